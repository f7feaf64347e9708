package dev.jtpm.cros;

import dev.jtpm.types.TpmDevice;
import java.io.IOException;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * vtpmd's D-Bus side ({@code VtpmService} behind {@code VtpmServiceAdaptor}): owns {@code org.chromium.Vtpm}, exports
 * {@code /org/chromium/Vtpm} and hands {@code request.command} to the virtual TPM; the reply is always a
 * SendCommandResponse (TPM errors travel inside it). A request that is not a protobuf message is a D-Bus error, as the
 * generated adaptor answers one it cannot parse.
 */
public final class VtpmService implements VtpmInterface, AutoCloseable {
    private final TpmDevice vtpm;
    private final DBusConnection connection;

    /** {@code connection} null: not on a bus (the fuzz target calls {@link #SendCommand} directly). */
    VtpmService(TpmDevice vtpm, DBusConnection connection) {
        this.vtpm = vtpm;
        this.connection = connection;
    }

    /**
     * Connects to {@code bus} ({@code system}, {@code session} or a D-Bus address such as
     * {@code unix:path=/run/dbus/system_bus_socket}), exports the object and takes the name.
     */
    public static VtpmService start(TpmDevice vtpm, String bus) throws IOException {
        DBusConnection c;
        try {
            DBusConnectionBuilder b = switch (bus) {
                case "system" -> DBusConnectionBuilder.forSystemBus();
                case "session" -> DBusConnectionBuilder.forSessionBus();
                default -> DBusConnectionBuilder.forAddress(bus);
            };
            c = b.withShared(false).build();
        } catch (DBusException | RuntimeException e) {
            throw new IOException("cannot connect to the " + bus + " bus: " + e.getMessage(), e);
        }
        VtpmService s = new VtpmService(vtpm, c);
        try {
            c.exportObject(SERVICE_PATH, s);
            c.requestBusName(SERVICE_NAME);
        } catch (DBusException | RuntimeException e) {
            c.disconnect();
            throw new IOException("cannot own " + SERVICE_NAME + " on the " + bus + " bus: " + e.getMessage(), e);
        }
        return s;
    }

    @Override
    public byte[] SendCommand(byte[] request) {
        Protobuf.Fields f;
        try {
            f = Protobuf.parse(request);
        } catch (IllegalArgumentException e) {
            throw new DBusExecutionException("malformed vtpm.SendCommandRequest: " + e.getMessage());
        }
        byte[] rsp;
        try {
            rsp = vtpm.execute(f.bytes(1), 0);
        } catch (IOException | RuntimeException e) {
            rsp = Responses.headerOnly(VtpmRc.FAILURE);
        }
        return Protobuf.sendCommandResponse(rsp);
    }

    @Override
    public String getObjectPath() { return SERVICE_PATH; }

    @Override
    public boolean isRemote() { return false; }

    /** The unique name of the service's connection. */
    public String uniqueName() { return connection.getUniqueName(); }

    @Override
    public void close() {
        try {
            connection.releaseBusName(SERVICE_NAME);
        } catch (DBusException | RuntimeException ignored) {
            // disconnecting releases it anyway
        }
        connection.disconnect();
    }
}

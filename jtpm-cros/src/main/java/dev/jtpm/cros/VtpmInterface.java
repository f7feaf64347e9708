package dev.jtpm.cros;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * The D-Bus interface {@code org.chromium.Vtpm} (vtpm/dbus_bindings/org.chromium.Vtpm.xml): one method,
 * {@code SendCommand(in ay request, out ay reply)}, whose arrays are a serialized {@code vtpm.SendCommandRequest} and
 * {@code vtpm.SendCommandResponse}. No other methods, signals or properties.
 */
@DBusInterfaceName(VtpmInterface.INTERFACE)
public interface VtpmInterface extends DBusInterface {
    /** {@code kVtpmServiceName}. */
    String SERVICE_NAME = "org.chromium.Vtpm";
    /** {@code kVtpmServicePath}. */
    String SERVICE_PATH = "/org/chromium/Vtpm";
    /** {@code kVtpmInterface}. */
    String INTERFACE = "org.chromium.Vtpm";

    /** {@code kSendCommand}: a protobuf SendCommandRequest in, a protobuf SendCommandResponse out. */
    @SuppressWarnings("checkstyle:MethodName")
    byte[] SendCommand(byte[] request);
}

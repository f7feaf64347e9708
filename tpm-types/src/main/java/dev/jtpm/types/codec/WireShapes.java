package dev.jtpm.types.codec;

import dev.jtpm.types.TpmRc;
import dev.jtpm.types.command.CommandCode;
import dev.jtpm.types.command.TpmCommand;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the {@link RecordShape} and {@link UnionShape} of a type: the one the {@code tpm-codegen} processor wrote
 * at build time ({@code <Name>_WireShape} beside the type, registering itself when loaded), else one derived by
 * reflection and method handles — the same values, found at a higher start-up cost (a proxy class per annotation
 * type, a spun class per method-handle form).
 */
public final class WireShapes {
    private WireShapes() {}

    private static final Object NONE = new Object();
    private static final ConcurrentHashMap<Class<?>, Object> SHAPES = new ConcurrentHashMap<>();

    /** Called by a generated record shape when its class is initialised. */
    public static void register(RecordShape shape) { SHAPES.put(shape.type(), shape); }

    /** Called by a generated union shape when its class is initialised. */
    public static void register(UnionShape shape) { SHAPES.put(shape.type(), shape); }

    /** Shapes derived by reflection, once per type. */
    private static final ClassValue<Object> REFLECTED = new ClassValue<>() {
        @Override protected Object computeValue(Class<?> type) { return type.isRecord() ? reflect(type) : reflectUnion(type); }
    };

    /** The record's shape: the generated one, else derived by reflection (once). */
    public static RecordShape of(Class<?> type) {
        RecordShape g = generated(type);
        if (g != null) return g;
        if (!type.isRecord()) throw new IllegalArgumentException(type + " is not a record");
        return (RecordShape) REFLECTED.get(type);
    }

    /** The union's shape: the generated one, else derived by reflection (once). */
    public static UnionShape unionOf(Class<?> type) {
        UnionShape g = generatedUnion(type);
        if (g != null) return g;
        if (type.isRecord()) throw new IllegalArgumentException(type + " is a record, not a union");
        return (UnionShape) REFLECTED.get(type);
    }

    /** The shape the build wrote for a record, or null if there is none. */
    public static RecordShape generated(Class<?> type) {
        return find(type) instanceof RecordShape s ? s : null;
    }

    /** The shape the build wrote for a sealed union, or null if there is none. */
    public static UnionShape generatedUnion(Class<?> type) {
        return find(type) instanceof UnionShape s ? s : null;
    }

    private static Object find(Class<?> type) {
        Object s = SHAPES.get(type);
        if (s != null) return s;
        try {
            // its static initialiser registers it
            Class.forName(shapeClassName(type), true, type.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // none written for it (a private record, a test's own record)
        }
        return SHAPES.computeIfAbsent(type, t -> NONE);
    }

    /** {@code a.b.C$D} → {@code a.b.C_D_WireShape}, the processor's naming. */
    static String shapeClassName(Class<?> type) {
        String pkg = type.getPackageName();
        String local = pkg.isEmpty() ? type.getName() : type.getName().substring(pkg.length() + 1);
        return (pkg.isEmpty() ? "" : pkg + ".") + local.replace('$', '_') + "_WireShape";
    }

    /** A record's shape read from its class by reflection (what the generated shape must equal). */
    public static RecordShape reflect(Class<?> type) {
        if (!type.isRecord()) throw new IllegalArgumentException(type + " is not a record");
        return new ReflectedShape(type);
    }

    /** A union's shape read from its class by reflection. */
    public static UnionShape reflectUnion(Class<?> type) {
        Wire.Union u = type.getAnnotation(Wire.Union.class);
        Class<?>[] permitted = type.getPermittedSubclasses();
        return new UnionShape(type, u == null ? TpmRc.SELECTOR.value() : u.unknown(),
                permitted == null ? List.of() : Arrays.asList(permitted));
    }

    /** The components of a record read by reflection. */
    static List<WireComponent> components(Class<?> type) {
        List<WireComponent> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) out.add(component(c));
        return out;
    }

    private static WireComponent component(RecordComponent c) {
        Class<?> element = null;
        int elementMax = -1;
        if (c.getType() == List.class && c.getGenericType() instanceof ParameterizedType p) {
            Type arg = p.getActualTypeArguments()[0];
            element = arg instanceof Class<?> k ? k : arg instanceof ParameterizedType pa ? (Class<?>) pa.getRawType() : Object.class;
            Wire.Max m = ((AnnotatedParameterizedType) c.getAnnotatedType()).getAnnotatedActualTypeArguments()[0]
                    .getAnnotation(Wire.Max.class);
            if (m != null) elementMax = m.value();
        }
        Wire.Is is = c.getAnnotation(Wire.Is.class);
        Wire.Max max = c.getAnnotation(Wire.Max.class);
        Wire.Min min = c.getAnnotation(Wire.Min.class);
        Wire.Sized sized = c.getAnnotation(Wire.Sized.class);
        Wire.DigestOf digestOf = c.getAnnotation(Wire.DigestOf.class);
        Wire.Selector selector = c.getAnnotation(Wire.Selector.class);
        Wire.SelectedBy selectedBy = c.getAnnotation(Wire.SelectedBy.class);
        Wire.Handle handle = c.getAnnotation(Wire.Handle.class);
        return new WireComponent(c.getName(), c.getType(), element, c.isAnnotationPresent(Wire.U8.class),
                c.isAnnotationPresent(Wire.U16.class), is == null ? null : is.value(), max == null ? -1 : max.value(),
                elementMax, min == null ? -1 : min.value(), c.isAnnotationPresent(Wire.SizeU8.class), sized != null,
                sized != null && sized.nullAllowed(), digestOf == null ? null : digestOf.value(),
                selector == null ? 0 : selector.bits(), selectedBy == null ? null : selectedBy.value(),
                c.isAnnotationPresent(Wire.SelectorValue.class), handle == null ? null : handle.auth());
    }

    private static Class<?> responseOf(Class<?> type) {
        for (Type t : type.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == TpmCommand.class
                    && p.getActualTypeArguments()[0] instanceof Class<?> r) {
                return r;
            }
        }
        return null;
    }

    /** A shape by reflection: the accessors and the canonical constructor as method handles. */
    private static final class ReflectedShape extends RecordShape {
        private final MethodHandle[] getters;
        private final MethodHandle ctor;

        ReflectedShape(Class<?> type) {
            super(type, WireShapes.components(type), armOf(type), commandCodeOf(type), responseOf(type));
            RecordComponent[] rc = type.getRecordComponents();
            getters = new MethodHandle[rc.length];
            Class<?>[] types = new Class<?>[rc.length];
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                for (int i = 0; i < rc.length; i++) {
                    types[i] = rc[i].getType();
                    getters[i] = lookup.unreflect(rc[i].getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
                }
                ctor = lookup.findConstructor(type, MethodType.methodType(void.class, types))
                        .asSpreader(Object[].class, rc.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot build codec for " + type, e);
            }
        }

        private static int[] armOf(Class<?> type) {
            Wire.Arm a = type.getAnnotation(Wire.Arm.class);
            return a == null ? null : a.value();
        }

        private static int commandCodeOf(Class<?> type) {
            CommandCode cc = type.getAnnotation(CommandCode.class);
            return cc == null ? -1 : cc.value();
        }

        @Override
        public Object construct(Object[] values) {
            try {
                return ctor.invokeExact(values);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        @Override
        public Object get(Object record, int index) {
            try {
                return getters[index].invokeExact(record);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}

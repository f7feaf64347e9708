package dev.jtpm.types.codec;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmFailure;
import dev.jtpm.types.TpmRc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one declarative codec: it marshals records (structures), sealed interfaces (unions),
 * {@code int}/{@code long}/{@code boolean}, {@link Bytes}, {@link Secret} (a TPM2B like {@code Bytes})
 * and lists, driven by the record
 * components and the {@link Wire} annotations. The plan for each type is built once, from the
 * type's {@link RecordShape} (written at build time by the {@code tpm-codegen} processor, or derived by reflection
 * where there is none), so the hot path does no reflective look-ups.
 *
 * <p>Validation that the wire format alone cannot express: TPMI_* interface types are
 * {@link Wire.Is} on the components (checked while reading unless the reader is lenient; on handle
 * components with the handle area, see {@link RecordCodec#checkHandles}); other invariants live in
 * each record's compact constructor. Both throw {@link TpmFailure} with the spec's response code.
 */
public final class TpmCodec {
    private TpmCodec() {}

    private static final ClassValue<RecordCodec<?>> RECORDS = new ClassValue<>() {
        @Override protected RecordCodec<?> computeValue(Class<?> type) { return new RecordCodec<>(type); }
    };
    private static final ClassValue<UnionCodec> UNIONS = new ClassValue<>() {
        @Override protected UnionCodec computeValue(Class<?> type) { return new UnionCodec(type); }
    };

    /** The codec of a record type. */
    @SuppressWarnings("unchecked")
    public static <T extends Record> RecordCodec<T> of(Class<T> type) { return (RecordCodec<T>) RECORDS.get(type); }

    /** Decodes a whole buffer as {@code type}: trailing bytes are TPM_RC_SIZE. */
    public static <T extends Record> T decode(Class<T> type, byte[] bytes) {
        TpmReader r = new TpmReader(bytes);
        T v = of(type).read(r);
        if (r.remaining() != 0) throw new TpmFailure(TpmRc.SIZE);
        return v;
    }

    /**
     * Decodes a whole buffer as {@code type} without the TPMI_* interface checks (see
     * {@link TpmReader#lenient}); trailing bytes are TPM_RC_SIZE. Checks in record constructors
     * still apply.
     */
    public static <T extends Record> T decodeLenient(Class<T> type, byte[] bytes) {
        TpmReader r = TpmReader.lenient(bytes);
        T v = of(type).read(r);
        if (r.remaining() != 0) throw new TpmFailure(TpmRc.SIZE);
        return v;
    }

    /** Encodes a record. */
    public static <T extends Record> byte[] encode(T value) {
        TpmWriter w = new TpmWriter();
        @SuppressWarnings("unchecked") RecordCodec<T> c = (RecordCodec<T>) of(value.getClass());
        c.write(w, value);
        return w.toByteArray();
    }

    /** Codec of a record: one {@link Field} per component, built once. */
    public static final class RecordCodec<T> implements Codec<T> {
        private final Class<?> type;
        private final Field[] fields;
        /** The generated shape (or the reflective one): component values in, record out, and back. */
        private final RecordShape shape;
        private final int handleCount;
        /** The {@link Wire.Is} type of each handle component, or null where there is none. */
        private final Tpmi[] handleTypes;

        RecordCodec(Class<?> type) {
            if (!type.isRecord()) throw new IllegalArgumentException(type + " is not a record");
            this.type = type;
            this.shape = WireShapes.of(type);
            List<WireComponent> rc = shape.components();
            Map<String, Integer> index = new HashMap<>();
            fields = new Field[rc.size()];
            int handles = 0;
            List<Tpmi> handleKinds = new ArrayList<>();
            for (int i = 0; i < rc.size(); i++) {
                WireComponent c = rc.get(i);
                index.put(c.name(), i);
                if (c.handle() != null) {
                    if (handles != i) throw new IllegalArgumentException(type + ": handles must come first");
                    if (c.type() != int.class) throw new IllegalArgumentException(type + ": a handle is an int");
                    handleKinds.add(c.is());
                    handles++;
                }
                fields[i] = new Field(c.name(), plan(c, index, type), i, c.selectorValue());
            }
            this.handleCount = handles;
            this.handleTypes = handleKinds.toArray(new Tpmi[0]);
        }

        /** The number of leading components marked {@link Wire.Handle}. */
        public int handleCount() { return handleCount; }

        /** The record type. */
        public Class<?> type() { return type; }

        @Override
        public T read(TpmReader r) { return readFrom(r, new Object[fields.length], 0, -1, false); }

        /** Reads with a selector supplied from outside (a multi-value union arm). */
        T readArm(TpmReader r, int selector) { return readFrom(r, new Object[fields.length], 0, selector, false); }

        /**
         * Checks the handle area of a command: each handle component marked {@link Wire.Is} must
         * be of its TPMI_DH_* / TPMI_RH_* type. This is ms-tpm-20-ref's handle unmarshalling
         * (ParseHandleBuffer), so the pipeline calls it right after reading the handle area, before
         * it looks for the entities or checks their authorization. Components without
         * {@code @Is} are not checked.
         *
         * @param handles the handle area, one value per {@link Wire.Handle} component, in order
         * @throws TpmFailure the type's response code (TPM_RC_VALUE) with the index of the first
         *     failing handle ({@code atHandle(i + 1)})
         * @throws IllegalArgumentException if {@code handles} holds fewer values than the record
         *     has handle components
         */
        public void checkHandles(int[] handles) {
            if (handles.length < handleCount) {
                throw new IllegalArgumentException(type + " has " + handleCount + " handles, got " + handles.length);
            }
            for (int i = 0; i < handleCount; i++) checkHandle(i, handles[i]);
        }

        private void checkHandle(int i, int handle) {
            Tpmi kind = handleTypes[i];
            if (kind == null) return;
            try {
                kind.check(handle);
            } catch (TpmFailure e) {
                throw new TpmFailure(e.rc().atHandle(i + 1));
            }
        }

        /**
         * Reads the handle components from {@code handles} and the rest from {@code params};
         * a failure while reading parameter {@code n} carries index {@code n} (1-based). The
         * handles are checked as by {@link #checkHandles} (unless {@code params} is
         * {@link TpmReader#lenient lenient}), so a record read here always satisfies its types.
         */
        public T readCommand(int[] handles, TpmReader params) {
            if (!params.isLenient()) checkHandles(handles);
            Object[] values = new Object[fields.length];
            for (int i = 0; i < handleCount; i++) values[i] = handles[i];
            return readFrom(params, values, handleCount, -1, true);
        }

        private T readFrom(TpmReader r, Object[] values, int start, int selector, boolean numbered) {
            for (int i = start; i < fields.length; i++) {
                Field f = fields[i];
                if (f.selectorValue) { values[i] = selector; continue; }
                try {
                    values[i] = f.plan.read(r, values);
                } catch (TpmFailure e) {
                    if (e.rc().hasIndex()) throw e;
                    if (i < handleCount) throw new TpmFailure(e.rc().atHandle(i + 1));
                    if (numbered) throw new TpmFailure(e.rc().atParameter(i - start + 1));
                    throw e;
                }
            }
            try {
                @SuppressWarnings("unchecked") T v = (T) shape.construct(values);
                return v;
            } catch (TpmFailure e) {
                if (numbered && !e.rc().hasIndex()) {
                    // validation of the whole record: blame the last parameter read (ms-tpm does the same)
                    throw new TpmFailure(e.rc().atParameter(Math.max(1, fields.length - start)));
                }
                throw e;
            }
        }

        @Override
        public void write(TpmWriter w, T value) { writeFrom(w, value, 0); }

        /** Writes only the components after the handles (the parameter area). */
        public void writeParameters(TpmWriter w, T value) { writeFrom(w, value, handleCount); }

        /** The handle components as ints. */
        public int[] handles(T value) {
            int[] h = new int[handleCount];
            for (int i = 0; i < handleCount; i++) h[i] = (Integer) shape.get(value, i);
            return h;
        }

        private void writeFrom(TpmWriter w, T value, int start) {
            Object[] values = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) values[i] = shape.get(value, i);
            for (int i = start; i < fields.length; i++) {
                if (fields[i].selectorValue) continue;
                fields[i].plan.write(w, values[i], values);
            }
        }

    }

    private record Field(String name, Plan plan, int at, boolean selectorValue) {}

    /** How one component is read and written; {@code siblings} are the record's values so far. */
    private interface Plan {
        Object read(TpmReader r, Object[] siblings);

        void write(TpmWriter w, Object v, Object[] siblings);
    }

    private static Plan plan(WireComponent c, Map<String, Integer> index, Class<?> owner) {
        Class<?> t = c.type();
        int limit = c.max() < 0 ? Integer.MAX_VALUE : c.max();
        if (t == int.class) {
            Plan p = scalar(c.u8() ? 1 : c.u16() ? 2 : 4);
            Tpmi kind = c.is();
            if (kind == null) return p;
            return new Plan() {
                public Object read(TpmReader r, Object[] s) {
                    Object v = p.read(r, s);
                    if (!r.isLenient()) kind.check((Integer) v);
                    return v;
                }
                public void write(TpmWriter w, Object v, Object[] s) { p.write(w, v, s); }
            };
        }
        if (t == long.class) return new Plan() {
            public Object read(TpmReader r, Object[] s) { return r.u64(); }
            public void write(TpmWriter w, Object v, Object[] s) { w.u64((Long) v); }
        };
        if (t == boolean.class) return new Plan() {
            public Object read(TpmReader r, Object[] s) {
                int v = r.u8();
                if (v > 1) throw new TpmFailure(TpmRc.VALUE);
                return v == 1;
            }
            public void write(TpmWriter w, Object v, Object[] s) { w.u8((Boolean) v ? 1 : 0); }
        };
        if (t == Bytes.class) {
            if (c.digestOf() != null) {
                int at = siblingIndex(index, c.digestOf(), owner);
                return new Plan() {
                    public Object read(TpmReader r, Object[] s) {
                        int n = TpmAlg.digestSize((Integer) s[at]);
                        if (n == 0) throw new TpmFailure(TpmRc.HASH);
                        return r.bytes(n);
                    }
                    public void write(TpmWriter w, Object v, Object[] s) { w.bytes((Bytes) v); }
                };
            }
            boolean u8 = c.sizeU8();
            return new Plan() {
                public Object read(TpmReader r, Object[] s) {
                    int n = u8 ? r.u8() : r.u16();
                    if (n > limit) throw new TpmFailure(TpmRc.SIZE);
                    return r.bytes(n);
                }
                public void write(TpmWriter w, Object v, Object[] s) {
                    Bytes b = (Bytes) v;
                    if (u8) w.u8(b.size()); else w.u16(b.size());
                    w.bytes(b);
                }
            };
        }
        if (t == Secret.class) {
            // a TPM2B holding an auth value, seed or private part: the same wire form as Bytes
            return new Plan() {
                public Object read(TpmReader r, Object[] s) {
                    int n = r.u16();
                    if (n > limit) throw new TpmFailure(TpmRc.SIZE);
                    return r.secret(n);
                }
                public void write(TpmWriter w, Object v, Object[] s) {
                    Secret b = (Secret) v;
                    w.u16(b.size());
                    w.secret(b);
                }
            };
        }
        if (t == List.class) {
            Class<?> elem = c.element();
            Plan e = elem == Integer.class && c.u16() ? scalar(2)
                    : elem == Bytes.class && c.elementMax() >= 0 ? boundedBytes(c.elementMax()) : elementPlan(elem);
            int least = c.min() < 0 ? 0 : c.min();
            return new Plan() {
                public Object read(TpmReader r, Object[] s) {
                    int n = r.u32();
                    if (n < least || n > limit) throw new TpmFailure(TpmRc.SIZE);
                    List<Object> out = new ArrayList<>(Math.min(n, 64));
                    for (int i = 0; i < n; i++) out.add(e.read(r, s));
                    return List.copyOf(out);
                }
                public void write(TpmWriter w, Object v, Object[] s) {
                    List<?> l = (List<?>) v;
                    w.u32(l.size());
                    for (Object o : l) e.write(w, o, s);
                }
            };
        }
        if (t.isRecord()) {
            if (c.sized()) return sizedPlan(t, c.nullAllowed());
            return elementPlan(t);
        }
        if (t.isSealed() && t.isInterface()) {
            UnionCodec u = UNIONS.get(t);
            if (c.selectorBits() != 0) {
                int bytes = c.selectorBits() / 8;
                return new Plan() {
                    public Object read(TpmReader r, Object[] s) { return u.read(r, bytes == 2 ? r.u16() : r.u32()); }
                    public void write(TpmWriter w, Object v, Object[] s) {
                        int selector = u.selectorOf(v);
                        if (bytes == 2) w.u16(selector); else w.u32(selector);
                        u.write(w, v);
                    }
                };
            }
            if (c.selectedBy() != null) {
                int at = siblingIndex(index, c.selectedBy(), owner);
                return new Plan() {
                    public Object read(TpmReader r, Object[] s) { return u.read(r, (Integer) s[at]); }
                    public void write(TpmWriter w, Object v, Object[] s) { u.write(w, v); }
                };
            }
            throw new IllegalArgumentException(owner + "." + c.name() + ": a union needs @Selector or @SelectedBy");
        }
        throw new IllegalArgumentException(owner + "." + c.name() + ": unsupported type " + t);
    }

    private static int siblingIndex(Map<String, Integer> index, String name, Class<?> owner) {
        Integer at = index.get(name);
        if (at == null) throw new IllegalArgumentException(owner + ": no earlier component " + name);
        return at;
    }

    private static Plan scalar(int width) {
        return new Plan() {
            public Object read(TpmReader r, Object[] s) {
                return switch (width) { case 1 -> r.u8(); case 2 -> r.u16(); default -> r.u32(); };
            }
            public void write(TpmWriter w, Object v, Object[] s) {
                int x = (Integer) v;
                switch (width) { case 1 -> w.u8(x); case 2 -> w.u16(x); default -> w.u32(x); }
            }
        };
    }

    /** A TPM2B element of at most {@code max} octets (TPM_RC_SIZE beyond). */
    private static Plan boundedBytes(int max) {
        return new Plan() {
            public Object read(TpmReader r, Object[] s) {
                int n = r.u16();
                if (n > max) throw new TpmFailure(TpmRc.SIZE);
                return r.bytes(n);
            }
            public void write(TpmWriter w, Object v, Object[] s) { w.sized((Bytes) v); }
        };
    }

    private static Plan elementPlan(Class<?> t) {
        if (t == Integer.class) return scalar(4);
        if (t == Bytes.class) return new Plan() {
            public Object read(TpmReader r, Object[] s) { return r.bytes(r.u16()); }
            public void write(TpmWriter w, Object v, Object[] s) { w.sized((Bytes) v); }
        };
        if (t.isRecord()) {
            return new Plan() {
                public Object read(TpmReader r, Object[] s) { return RECORDS.get(t).read(r); }
                @SuppressWarnings({"unchecked", "rawtypes"})
                public void write(TpmWriter w, Object v, Object[] s) { ((RecordCodec) RECORDS.get(t)).write(w, v); }
            };
        }
        throw new IllegalArgumentException("unsupported element type " + t);
    }

    private static Plan sizedPlan(Class<?> t, boolean nullAllowed) {
        return new Plan() {
            public Object read(TpmReader r, Object[] s) {
                int n = r.u16();
                if (n == 0) {
                    if (nullAllowed) return null;
                    throw new TpmFailure(TpmRc.SIZE);
                }
                // As Part 4's generated code does it: the structure is read from the rest of the
                // buffer, and the size it took must equal the size given (else TPM_RC_SIZE). So a
                // size that is too large or too small is TPM_RC_SIZE where the structure itself
                // parses, and the structure's own code (e.g. TPM_RC_TYPE) where it does not.
                int start = r.position();
                Object v = RECORDS.get(t).read(r);
                if (r.position() - start != n) throw new TpmFailure(TpmRc.SIZE);
                return v;
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            public void write(TpmWriter w, Object v, Object[] s) {
                if (v == null) { w.u16(0); return; }
                int at = w.position();
                w.u16(0);
                ((RecordCodec) RECORDS.get(t)).write(w, v);
                w.patchU16(at, w.position() - at - 2);
            }
        };
    }

    /** Codec of a sealed interface whose permitted records carry {@link Wire.Arm}. */
    private static final class UnionCodec {
        private final Map<Integer, Class<?>> arms = new HashMap<>();
        private final Map<Class<?>, Integer> selectors = new HashMap<>();
        private final TpmRc unknown;

        UnionCodec(Class<?> type) {
            UnionShape u = WireShapes.unionOf(type);
            unknown = new TpmRc(u.unknown());
            for (Class<?> arm : u.arms()) {
                int[] a = arm.isRecord() ? WireShapes.of(arm).arm() : null;
                if (a == null) throw new IllegalArgumentException(arm + " needs @Arm and must be a record");
                for (int v : a) arms.put(v, arm);
                if (a.length == 1) selectors.put(arm, a[0]);
            }
        }

        Object read(TpmReader r, int selector) {
            Class<?> arm = arms.get(selector);
            if (arm == null) throw new TpmFailure(unknown);
            return RECORDS.get(arm).readArm(r, selector);
        }

        int selectorOf(Object v) {
            Integer s = selectors.get(v.getClass());
            if (s != null) return s;
            return (Integer) RECORDS.get(v.getClass()).shape.get(v, 0);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void write(TpmWriter w, Object v) { ((RecordCodec) RECORDS.get(v.getClass())).write(w, v); }
    }
}

package dev.jtpm.codegen;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.StandardLocation;

/**
 * Writes, at compile time, what {@code dev.jtpm.types.codec.TpmCodec} and {@code CommandTable} would otherwise read
 * by reflection at start-up: for each wire record a {@code <Name>_WireShape} class beside it (its components with
 * their {@code Wire} annotations, {@code @Arm}, {@code @CommandCode}, the response type, a constructor call and the
 * accessors as plain code), and for each sealed union a shape with its arms. Reading annotations at run time costs
 * a dynamic proxy class per annotation type and the method handles a spun class each, which an AOT cache cannot
 * hold; this code is loaded from the cache like any other class.
 *
 * <p>Which records: those with a {@code Wire} or {@code @CommandCode} annotation, those implementing
 * {@code TpmCommand}, and every record or sealed interface reachable from them through component and list element
 * types; with {@code -Ajtpm.wire.all=true} every record of the compilation. Records the generated code could not
 * reach (private ones, private component types) are skipped and stay with the reflective path.
 */
@SupportedAnnotationTypes("*")
@SupportedOptions(WireShapeProcessor.ALL)
public final class WireShapeProcessor extends AbstractProcessor {
    static final String ALL = "jtpm.wire.all";
    private static final String WIRE = "dev.jtpm.types.codec.Wire";
    private static final String COMMAND_CODE = "dev.jtpm.types.command.CommandCode";
    private static final String TPM_COMMAND = "dev.jtpm.types.command.TpmCommand";
    private static final String CODEC = "dev.jtpm.types.codec.";

    private final Set<String> written = new TreeSet<>();

    @Override
    public SourceVersion getSupportedSourceVersion() { return SourceVersion.latestSupported(); }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (round.processingOver()) {
            writeIndex();
            return false;
        }
        boolean all = Boolean.parseBoolean(processingEnv.getOptions().getOrDefault(ALL, "false"));
        List<TypeElement> types = new ArrayList<>();
        for (Element e : round.getRootElements()) collect(e, types);
        Set<TypeElement> chosen = new LinkedHashSet<>();
        Set<TypeElement> compiled = new LinkedHashSet<>(types);
        for (TypeElement t : types) {
            if (t.getKind() == ElementKind.RECORD && (all || isWireRecord(t))) reach(t, chosen, compiled);
        }
        for (TypeElement t : chosen) {
            try {
                if (t.getKind() == ElementKind.RECORD) writeRecord(t); else writeUnion(t);
            } catch (IOException e) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write the wire shape: " + e, t);
            }
        }
        return false;
    }

    private static void collect(Element e, List<TypeElement> out) {
        if (e instanceof TypeElement t) {
            out.add(t);
            for (Element inner : t.getEnclosedElements()) collect(inner, out);
        }
    }

    private boolean isWireRecord(TypeElement t) {
        if (annotation(t, COMMAND_CODE) != null || annotation(t, WIRE + ".Arm") != null) return true;
        for (TypeMirror i : t.getInterfaces()) {
            if (qualifiedName(processingEnv.getTypeUtils().erasure(i)).equals(TPM_COMMAND)) return true;
        }
        for (RecordComponentElement c : t.getRecordComponents()) {
            for (AnnotationMirror a : c.getAnnotationMirrors()) {
                if (annotationName(a).startsWith(WIRE + ".")) return true;
            }
        }
        return false;
    }

    /** Adds {@code t} and the records and sealed unions its components lead to (within this compilation). */
    private void reach(TypeElement t, Set<TypeElement> chosen, Set<TypeElement> compiled) {
        if (!compiled.contains(t) || !accessible(t) || chosen.contains(t)) return;
        if (t.getKind() == ElementKind.RECORD) {
            for (RecordComponentElement c : t.getRecordComponents()) {
                if (!typeAccessible(c.asType())) return;
            }
            chosen.add(t);
            for (RecordComponentElement c : t.getRecordComponents()) {
                follow(c.asType(), chosen, compiled);
                if (c.asType() instanceof DeclaredType d && !d.getTypeArguments().isEmpty()) {
                    for (TypeMirror a : d.getTypeArguments()) follow(a, chosen, compiled);
                }
            }
        } else if (t.getKind() == ElementKind.INTERFACE && t.getModifiers().contains(Modifier.SEALED)) {
            chosen.add(t);
            for (TypeMirror p : t.getPermittedSubclasses()) follow(p, chosen, compiled);
        }
    }

    private void follow(TypeMirror type, Set<TypeElement> chosen, Set<TypeElement> compiled) {
        TypeMirror e = processingEnv.getTypeUtils().erasure(type);
        if (e instanceof DeclaredType d && d.asElement() instanceof TypeElement te) reach(te, chosen, compiled);
    }

    /** The generated class (a top-level class of the same package) can name {@code t}. */
    private static boolean accessible(TypeElement t) {
        for (Element e = t; e instanceof TypeElement; e = e.getEnclosingElement()) {
            if (e.getModifiers().contains(Modifier.PRIVATE)) return false;
            if (((TypeElement) e).getNestingKind().isNested() && !e.getModifiers().contains(Modifier.STATIC)
                    && e.getKind() == ElementKind.CLASS) return false;
        }
        return t.getNestingKind() == javax.lang.model.element.NestingKind.TOP_LEVEL
                || t.getNestingKind() == javax.lang.model.element.NestingKind.MEMBER;
    }

    private boolean typeAccessible(TypeMirror type) {
        TypeMirror e = processingEnv.getTypeUtils().erasure(type);
        if (e instanceof ArrayType a) return typeAccessible(a.getComponentType());
        if (e instanceof DeclaredType d) {
            if (!(d.asElement() instanceof TypeElement te) || !accessible(te)) return false;
        }
        if (type instanceof DeclaredType d) {
            for (TypeMirror arg : d.getTypeArguments()) {
                if (arg.getKind() == TypeKind.DECLARED && !typeAccessible(arg)) return false;
            }
        }
        return true;
    }

    private void writeRecord(TypeElement t) throws IOException {
        String pkg = packageOf(t);
        String simple = shapeName(t);
        String name = t.getQualifiedName().toString();
        List<? extends RecordComponentElement> comps = t.getRecordComponents();
        StringBuilder s = new StringBuilder();
        if (!pkg.isEmpty()) s.append("package ").append(pkg).append(";\n\n");
        s.append("/** Generated by dev.jtpm.codegen.WireShapeProcessor from {@code ").append(name)
                .append("}: do not edit. */\n");
        s.append("@SuppressWarnings({\"unchecked\", \"rawtypes\"})\n");
        s.append("final class ").append(simple).append(" extends ").append(CODEC).append("RecordShape {\n");
        s.append("    static { ").append(CODEC).append("WireShapes.register(new ").append(simple).append("()); }\n\n");
        s.append("    private ").append(simple).append("() {\n");
        s.append("        super(").append(name).append(".class, java.util.List.of(");
        for (int i = 0; i < comps.size(); i++) {
            s.append(i == 0 ? "\n                " : ",\n                ").append(component(comps.get(i)));
        }
        s.append("),\n                ").append(arm(t)).append(", ").append(commandCode(t)).append(", ")
                .append(response(t)).append(");\n    }\n\n");
        s.append("    @Override\n    public Object construct(Object[] v) {\n        return new ").append(name).append("(");
        for (int i = 0; i < comps.size(); i++) {
            if (i > 0) s.append(", ");
            s.append('(').append(castType(comps.get(i).asType())).append(") v[").append(i).append(']');
        }
        s.append(");\n    }\n\n");
        s.append("    @Override\n    public Object get(Object o, int i) {\n");
        if (!comps.isEmpty()) {
            s.append("        ").append(name).append(" r = (").append(name).append(") o;\n");
            s.append("        switch (i) {\n");
            for (int i = 0; i < comps.size(); i++) {
                s.append("            case ").append(i).append(": return r.").append(comps.get(i).getAccessor().getSimpleName())
                        .append("();\n");
            }
            s.append("            default: break;\n        }\n");
        }
        s.append("        throw new IndexOutOfBoundsException(i);\n    }\n}\n");
        write(t, pkg, simple, s);
    }

    private void writeUnion(TypeElement t) throws IOException {
        String pkg = packageOf(t);
        String simple = shapeName(t);
        String name = t.getQualifiedName().toString();
        AnnotationMirror union = annotation(t, WIRE + ".Union");
        String unknown = union == null ? "dev.jtpm.types.TpmRc.SELECTOR.value()" : String.valueOf(value(union, "unknown"));
        StringBuilder s = new StringBuilder();
        if (!pkg.isEmpty()) s.append("package ").append(pkg).append(";\n\n");
        s.append("/** Generated by dev.jtpm.codegen.WireShapeProcessor from {@code ").append(name)
                .append("}: do not edit. */\n");
        s.append("final class ").append(simple).append(" {\n");
        s.append("    static {\n        ").append(CODEC).append("WireShapes.register(new ").append(CODEC).append("UnionShape(")
                .append(name).append(".class, ").append(unknown).append(", java.util.List.of(");
        List<? extends TypeMirror> permitted = t.getPermittedSubclasses();
        for (int i = 0; i < permitted.size(); i++) {
            if (i > 0) s.append(", ");
            s.append(classLiteral(permitted.get(i)));
        }
        s.append(")));\n    }\n\n    private ").append(simple).append("() {}\n}\n");
        write(t, pkg, simple, s);
    }

    private void write(TypeElement t, String pkg, String simple, StringBuilder source) throws IOException {
        String qualified = pkg.isEmpty() ? simple : pkg + "." + simple;
        try (Writer w = processingEnv.getFiler().createSourceFile(qualified, t).openWriter()) {
            w.write(source.toString());
        }
        written.add(processingEnv.getElementUtils().getBinaryName(t).toString());
    }

    /** META-INF/jtpm-wire-shapes.txt: the types given a shape (the tests compare each with reflection). */
    private void writeIndex() {
        if (written.isEmpty()) return;
        try (Writer w = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                "META-INF/jtpm-wire-shapes.txt").openWriter()) {
            for (String n : written) w.write(n + "\n");
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write the wire shape index: " + e);
        }
    }

    private String component(RecordComponentElement c) {
        TypeMirror type = c.asType();
        String element = "null";
        String elementMax = "-1";
        if (type instanceof DeclaredType d && !d.getTypeArguments().isEmpty()
                && qualifiedName(processingEnv.getTypeUtils().erasure(type)).equals("java.util.List")) {
            TypeMirror arg = d.getTypeArguments().get(0);
            element = classLiteral(arg);
            for (AnnotationMirror a : arg.getAnnotationMirrors()) {
                if (annotationName(a).equals(WIRE + ".Max")) elementMax = String.valueOf(value(a, "value"));
            }
        }
        AnnotationMirror is = annotation(c, WIRE + ".Is");
        AnnotationMirror max = annotation(c, WIRE + ".Max");
        AnnotationMirror min = annotation(c, WIRE + ".Min");
        AnnotationMirror sized = annotation(c, WIRE + ".Sized");
        AnnotationMirror digestOf = annotation(c, WIRE + ".DigestOf");
        AnnotationMirror selector = annotation(c, WIRE + ".Selector");
        AnnotationMirror selectedBy = annotation(c, WIRE + ".SelectedBy");
        AnnotationMirror handle = annotation(c, WIRE + ".Handle");
        return "new " + CODEC + "WireComponent(\"" + c.getSimpleName() + "\", " + classLiteral(type) + ", " + element + ", "
                + (annotation(c, WIRE + ".U8") != null) + ", " + (annotation(c, WIRE + ".U16") != null) + ", "
                + (is == null ? "null" : CODEC + "Tpmi." + value(is, "value")) + ", "
                + (max == null ? "-1" : value(max, "value")) + ", " + elementMax + ", "
                + (min == null ? "-1" : value(min, "value")) + ", "
                + (annotation(c, WIRE + ".SizeU8") != null) + ", " + (sized != null) + ", "
                + (sized != null && (Boolean) value(sized, "nullAllowed")) + ", "
                + (digestOf == null ? "null" : string(value(digestOf, "value"))) + ", "
                + (selector == null ? "0" : value(selector, "bits")) + ", "
                + (selectedBy == null ? "null" : string(value(selectedBy, "value"))) + ", "
                + (annotation(c, WIRE + ".SelectorValue") != null) + ", "
                + (handle == null ? "null" : CODEC + "Wire.Auth." + value(handle, "auth")) + ")";
    }

    private String arm(TypeElement t) {
        AnnotationMirror arm = annotation(t, WIRE + ".Arm");
        if (arm == null) return "null";
        StringBuilder s = new StringBuilder("new int[] {");
        Object v = value(arm, "value");
        List<?> values = v instanceof List<?> l ? l : List.of(v);
        for (int i = 0; i < values.size(); i++) {
            Object x = values.get(i) instanceof AnnotationValue av ? av.getValue() : values.get(i);
            s.append(i == 0 ? "" : ", ").append(x);
        }
        return s.append('}').toString();
    }

    private String commandCode(TypeElement t) {
        AnnotationMirror cc = annotation(t, COMMAND_CODE);
        return cc == null ? "-1" : "0x" + Integer.toHexString((Integer) value(cc, "value"));
    }

    private String response(TypeElement t) {
        for (TypeMirror i : t.getInterfaces()) {
            if (i instanceof DeclaredType d && qualifiedName(processingEnv.getTypeUtils().erasure(i)).equals(TPM_COMMAND)
                    && !d.getTypeArguments().isEmpty()) {
                return classLiteral(d.getTypeArguments().get(0));
            }
        }
        return "null";
    }

    private String classLiteral(TypeMirror type) {
        TypeMirror e = processingEnv.getTypeUtils().erasure(type);
        if (e.getKind().isPrimitive()) return e.getKind().name().toLowerCase(java.util.Locale.ROOT) + ".class";
        if (e instanceof ArrayType a) return classLiteral(a.getComponentType()).replace(".class", "[].class");
        return qualifiedName(e) + ".class";
    }

    private String castType(TypeMirror type) {
        TypeMirror e = processingEnv.getTypeUtils().erasure(type);
        if (e.getKind().isPrimitive()) {
            return switch (e.getKind()) {
                case INT -> "Integer";
                case LONG -> "Long";
                case BOOLEAN -> "Boolean";
                case BYTE -> "Byte";
                case SHORT -> "Short";
                case CHAR -> "Character";
                case FLOAT -> "Float";
                default -> "Double";
            };
        }
        if (e instanceof ArrayType) return classLiteral(e).replace(".class", "");
        return qualifiedName(e);
    }

    private static String qualifiedName(TypeMirror erased) {
        if (erased instanceof DeclaredType d && d.asElement() instanceof TypeElement te) return te.getQualifiedName().toString();
        return erased.toString();
    }

    private String packageOf(TypeElement t) {
        return processingEnv.getElementUtils().getPackageOf(t).getQualifiedName().toString();
    }

    /** {@code a.b.C$D} → {@code C_D_WireShape} (dev.jtpm.types.codec.WireShapes finds it by this name). */
    private String shapeName(TypeElement t) {
        String binary = processingEnv.getElementUtils().getBinaryName(t).toString();
        String pkg = packageOf(t);
        String local = pkg.isEmpty() ? binary : binary.substring(pkg.length() + 1);
        return local.replace('$', '_') + "_WireShape";
    }

    private static String annotationName(AnnotationMirror a) {
        return ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().toString();
    }

    private static AnnotationMirror annotation(Element e, String name) {
        for (AnnotationMirror a : e.getAnnotationMirrors()) {
            if (annotationName(a).equals(name)) return a;
        }
        return null;
    }

    private Object value(AnnotationMirror a, String name) {
        Map<? extends ExecutableElement, ? extends AnnotationValue> values =
                processingEnv.getElementUtils().getElementValuesWithDefaults(a);
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : new LinkedHashMap<>(values).entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(name)) {
                Object v = e.getValue().getValue();
                return v instanceof VariableElement enumConstant ? enumConstant.getSimpleName().toString() : v;
            }
        }
        throw new IllegalStateException(annotationName(a) + " has no " + name);
    }

    private static String string(Object v) {
        return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

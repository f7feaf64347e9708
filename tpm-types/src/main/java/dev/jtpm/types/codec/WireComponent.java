package dev.jtpm.types.codec;

/**
 * One record component as the codec sees it: its type and the {@link Wire} annotations on it. Written at build time
 * by the {@code tpm-codegen} processor, or read by reflection ({@link WireShapes#reflect}); both give equal values.
 *
 * @param name the component's name
 * @param type its erased type
 * @param element the element type of a {@code List} component, else null
 * @param u8 {@link Wire.U8}
 * @param u16 {@link Wire.U16}
 * @param is the {@link Wire.Is} type, or null
 * @param max {@link Wire.Max}, or -1
 * @param elementMax {@link Wire.Max} on a list's element type, or -1
 * @param min {@link Wire.Min}, or -1
 * @param sizeU8 {@link Wire.SizeU8}
 * @param sized {@link Wire.Sized} present
 * @param nullAllowed its {@code nullAllowed}
 * @param digestOf {@link Wire.DigestOf}, or null
 * @param selectorBits {@link Wire.Selector}'s width, or 0
 * @param selectedBy {@link Wire.SelectedBy}, or null
 * @param selectorValue {@link Wire.SelectorValue}
 * @param handle the {@link Wire.Handle} role, or null for a component that is not a handle
 */
public record WireComponent(String name, Class<?> type, Class<?> element, boolean u8, boolean u16, Tpmi is, int max,
                            int elementMax, int min, boolean sizeU8, boolean sized, boolean nullAllowed, String digestOf,
                            int selectorBits, String selectedBy, boolean selectorValue, Wire.Auth handle) {}

/**
 * The JNA binding of {@code native/include/flint.h}: one interface ({@link
 * dev.flint.nativeffi.FlintLibrary}), fixed-width structures, and the stage enum. This is the only
 * package that imports JNA; {@code sandbox} is the only caller of libflint, and {@code image}
 * uses {@link dev.flint.nativeffi.LibC} for whiteouts (mknod).
 */
package dev.flint.nativeffi;

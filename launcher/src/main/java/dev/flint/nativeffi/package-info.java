/**
 * The JNA binding of {@code native/include/flint.h}: one interface ({@link
 * dev.flint.nativeffi.FlintLibrary}), fixed-width structures, and the stage enum. This is the only
 * package that imports JNA; {@code sandbox} is its only caller.
 */
package dev.flint.nativeffi;

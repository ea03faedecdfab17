/** Compile-only stubs of the platform package {@code com.intellij.psi.tree}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.psi.tree;

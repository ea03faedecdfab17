/** Compile-only stubs of the platform package {@code com.intellij.lang}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.lang;

/** Compile-only stubs of the platform package {@code com.intellij.util}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.util;

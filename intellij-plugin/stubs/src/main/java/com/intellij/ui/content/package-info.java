/** Compile-only stubs of the platform package {@code com.intellij.ui.content}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.ui.content;

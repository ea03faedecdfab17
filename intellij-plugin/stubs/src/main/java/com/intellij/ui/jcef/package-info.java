/** Compile-only stubs of the platform package {@code com.intellij.ui.jcef}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.ui.jcef;

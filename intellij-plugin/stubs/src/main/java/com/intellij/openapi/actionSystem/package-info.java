/** Compile-only stubs of the platform package {@code com.intellij.openapi.actionSystem}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.openapi.actionSystem;

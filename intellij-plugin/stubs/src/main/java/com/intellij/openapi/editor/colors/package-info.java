/** Compile-only stubs of the platform package {@code com.intellij.openapi.editor.colors}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.openapi.editor.colors;

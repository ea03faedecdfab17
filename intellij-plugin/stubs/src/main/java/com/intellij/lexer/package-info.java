/** Compile-only stubs of the platform package {@code com.intellij.lexer}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.lexer;

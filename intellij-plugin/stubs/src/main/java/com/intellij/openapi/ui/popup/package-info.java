/** Compile-only stubs of the platform package {@code com.intellij.openapi.ui.popup}: the members the circuitscope plugin uses; never packaged. */
package com.intellij.openapi.ui.popup;

/** Compile-only stubs of the platform package {@code com.redhat.devtools.lsp4ij.server}: the members the circuitscope plugin uses; never packaged. */
package com.redhat.devtools.lsp4ij.server;

package com.intellij.util;

/**
 * Compile-only stub of {@code com.intellij.util.Consumer} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class. The popup callbacks take this interface: a lambda
 * passed to them implements {@link #consume}.
 */
public interface Consumer<T> {
    void consume(T t);
}

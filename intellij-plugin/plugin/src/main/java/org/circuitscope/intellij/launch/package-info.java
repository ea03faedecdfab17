/**
 * Starting the bundled language server: a Java 25 found as the VS Code extension finds it (setting, JAVA_HOME, PATH),
 * the JVM options of server/jvm.options, the command line. Plain Java with the file system and processes passed in,
 * so every rule is unit-tested without an IDE.
 */
package org.circuitscope.intellij.launch;

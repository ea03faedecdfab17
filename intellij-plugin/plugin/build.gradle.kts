// NEVER RUN HERE. An untested sketch for people who have JetBrains' repositories and Gradle: the
// IntelliJ Platform Gradle Plugin 2.x builds against the real IDE and LSP4IJ instead of the stubs.
// The verified build is Maven's (mvn -pl intellij-plugin/plugin -am package); see ../README.md.
// The server jar must be built first (mvn -pl server -am package) for the bundle step below.
plugins {
    java
    id("org.jetbrains.intellij.platform") version "2.1.0" // any 2.x
}

group = "org.circuitscope"
version = "0.1.0-SNAPSHOT"

repositories {
    mavenCentral()
    intellijPlatform { defaultRepositories() }
}

dependencies {
    intellijPlatform {
        intellijIdeaCommunity("2024.2")
        plugin("com.redhat.devtools.lsp4ij:0.20.1")
    }
    testImplementation("org.junit.jupiter:junit-jupiter:5.14.1")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

java { toolchain { languageVersion = JavaLanguageVersion.of(17) } }

intellijPlatform {
    pluginConfiguration {
        ideaVersion { sinceBuild = "242" }
    }
}

// The server beside lib/ in the sandbox and the distribution zip (PluginLayout reads it from there).
tasks.named<org.jetbrains.intellij.platform.gradle.tasks.PrepareSandboxTask>("prepareSandbox") {
    from("../../server/target/circuitscope.jar", "../../server/jvm.options") {
        into("circuitscope/server") // the plugin's folder: rootProject.name = "circuitscope" in settings.gradle.kts
    }
}

tasks.test { useJUnitPlatform() }

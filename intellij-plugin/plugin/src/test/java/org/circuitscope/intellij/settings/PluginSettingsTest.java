package org.circuitscope.intellij.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class PluginSettingsTest {
    @Test
    void theDefaultsAsTheServerReadsThem() {
        assertEquals(JsonParser.parseString("{\"circuitscope\": {\"annotationMode\": \"surprisal\", \"topK\": 5, \"memoryBudgetMb\": 256, \"viewer\": {\"enabled\": true}}}"),
                PluginSettings.defaults().initializationOptions());
    }

    @Test
    void everySettingButJavaHomeGoesToTheServer() {
        PluginSettings s = new PluginSettings(" /models/gpt2 ", "top-head", 12, 1024, false, "/opt/jdk-25");
        assertEquals(JsonParser.parseString("{\"circuitscope\": {\"defaultModel\": \"/models/gpt2\", \"annotationMode\": \"top-head\", \"topK\": 12,"
                + " \"memoryBudgetMb\": 1024, \"viewer\": {\"enabled\": false}}}"), s.initializationOptions());
        assertEquals("/opt/jdk-25", s.javaHome());
    }

    @Test
    void badValuesAreRefusedWithTheRange() {
        assertEquals("annotation mode must be one of off, surprisal, top-head, top-source, top-feature; got 'heat'",
                assertThrows(IllegalArgumentException.class, () -> new PluginSettings("", "heat", 5, 256, true, "")).getMessage());
        assertEquals("top-k must be 1 to 100; got 101",
                assertThrows(IllegalArgumentException.class, () -> new PluginSettings("", "off", 101, 256, true, "")).getMessage());
        assertEquals("the memory budget must be at least 16 MiB; got 8",
                assertThrows(IllegalArgumentException.class, () -> new PluginSettings("", "off", 5, 8, true, "")).getMessage());
    }

    @Test
    void storedSettingsRoundTripAndABadFileFallsBackToTheDefaults() {
        CircuitscopeSettings store = new CircuitscopeSettings();
        PluginSettings s = new PluginSettings("/m", "off", 7, 64, false, "/jdk");
        store.set(s);
        CircuitscopeSettings reloaded = new CircuitscopeSettings();
        reloaded.loadState(store.getState());
        assertEquals(s, reloaded.settings());
        CircuitscopeSettings.Stored bad = new CircuitscopeSettings.Stored();
        bad.topK = 0;
        reloaded.loadState(bad);
        assertEquals(PluginSettings.defaults(), reloaded.settings());
    }
}

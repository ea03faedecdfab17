package org.circuitscope.engine;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How SAE folders are named: the front matter's {@code saes} (one path or a list) and the {@code circuitscope.saes} setting. */
class SaeSettingsTest {
    @Test
    void frontMatterTakesOneFolderOrAList() {
        assertEquals(List.of("../saes/resid0"), FrontMatter.parse("---\ncircuitscope:\n  saes: ../saes/resid0\n---\nx").saes());
        assertEquals(List.of("a", "b"), FrontMatter.parse("---\ncircuitscope:\n  saes: [a, b]\n---\nx").saes());
        assertEquals(List.of("a"), FrontMatter.parse("---\ncircuitscope:\n  saes:\n    - a\n---\nx").saes());
        assertEquals(List.of(), FrontMatter.parse("---\ncircuitscope:\n  saes: []\n---\nx").saes(), "an empty list turns the setting's SAEs off");
        assertNull(FrontMatter.parse("---\ncircuitscope:\n  model: m\n---\nx").saes(), "absent: the setting decides");
    }

    @Test
    void aMappingOrNestedListIsAProblemOnTheSaesLine() {
        String text = "---\ncircuitscope:\n  model: m\n  saes: {a: 1}\n---\nx";
        FrontMatter fm = FrontMatter.parse(text);
        assertEquals(1, fm.problems().size());
        assertEquals(text.indexOf("saes:"), fm.problems().getFirst().start());
        assertTrue(fm.problems().getFirst().message().contains("circuitscope.saes"), fm.problems().getFirst().message());
        FrontMatter nested = FrontMatter.parse("---\ncircuitscope:\n  saes: [a, [b]]\n---\nx");
        assertEquals(List.of("a"), nested.saes());
        assertEquals(1, nested.problems().size());
    }

    @Test
    void topFeatureIsAnAnnotationMode() {
        assertEquals(AnnotationMode.TOP_FEATURE, FrontMatter.parse("---\ncircuitscope:\n  annotations: top-feature\n---\nx").annotations());
        assertEquals(AnnotationMode.TOP_FEATURE, Settings.defaults().with(JsonParser.parseString("{\"annotationMode\": \"top_feature\"}")).annotationMode());
    }

    @Test
    void theSettingTakesAListOrOneStringAndKeepsItsValueOtherwise() {
        Settings s = Settings.defaults().with(JsonParser.parseString("{\"circuitscope\": {\"saes\": [\"/x/saes\", \"\", 3, \"rel\"]}}"));
        assertEquals(List.of("/x/saes", "rel"), s.saes(), "blank and non-string entries are left out");
        assertEquals(List.of("/y"), Settings.defaults().with(JsonParser.parseString("{\"saes\": \"/y\"}")).saes());
        assertEquals(List.of("/x/saes", "rel"), s.with(JsonParser.parseString("{\"saes\": 7}")).saes(), "a malformed value keeps the old one");
        assertEquals(List.of(), Settings.defaults().saes());
    }
}

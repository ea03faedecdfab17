package org.circuitscope.lsp.viewer;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** The viewer's settings as VS Code nests them, as other clients spell them, and when malformed. */
class ViewerSettingsTest {
    static ViewerSettings with(String json) { return ViewerSettings.defaults().with(JsonParser.parseString(json)); }

    @Test
    void onAndNotWebviewByDefault() {
        assertEquals(new ViewerSettings(true, false), ViewerSettings.defaults());
        assertEquals(ViewerSettings.defaults(), with("{\"defaultModel\": \"m\"}"));
    }

    @Test
    void everySpellingOfTheSettingTurnsItOff() {
        assertFalse(with("{\"viewer\": {\"enabled\": false}}").enabled());
        assertFalse(with("{\"circuitscope\": {\"viewer\": {\"enabled\": false}}}").enabled());
        assertFalse(with("{\"viewer.enabled\": false}").enabled());
        assertFalse(with("{\"circuitscope\": {\"viewer.enabled\": false}}").enabled());
    }

    @Test
    void malformedValuesKeepTheOldOne() {
        ViewerSettings off = new ViewerSettings(false, true);
        assertEquals(off, off.with(JsonParser.parseString("{\"viewer\": {\"enabled\": \"no\"}, \"pictures\": 3}")));
        assertEquals(off, off.with(JsonParser.parseString("[1]")));
        assertEquals(off, off.with(null));
    }

    @Test
    void picturesWebviewAtTheTopOrInTheSection() {
        assertTrue(with("{\"pictures\": \"webview\"}").webviewPictures());
        assertTrue(with("{\"circuitscope\": {\"pictures\": \"webview\"}}").webviewPictures());
        assertFalse(with("{\"pictures\": \"browser\"}").webviewPictures());
        assertTrue(with("{\"pictures\": \"webview\"}").with(JsonParser.parseString("{\"topK\": 3}")).webviewPictures(),
                "later settings without the key keep it");
    }
}

package org.circuitscope.intellij.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandArgumentsTest {
    private static final String URI = "file:///w/a.prompt";
    private static final HeadRow L1H6 = new HeadRow(1, 6, "L1H6", List.of(0.1, 0.2, 0.9, 0.8), 0.7);

    @Test
    void aPickedHeadIsUriLayerHead() {
        assertEquals(JsonParser.parseString("{\"uri\": \"file:///w/a.prompt\", \"layer\": 1, \"head\": 6}"), CommandArguments.head(URI, L1H6));
        assertEquals(JsonParser.parseString("{\"uri\": \"file:///w/a.prompt\", \"layer\": 0}"), CommandArguments.layer(URI, 0));
    }

    @Test
    void theCursorIsAPositionAndAttributionIsDirect() {
        assertEquals(JsonParser.parseString("{\"uri\": \"file:///w/a.prompt\", \"position\": {\"line\": 3, \"character\": 7}}"),
                CommandArguments.atPosition(PaletteCommand.PATH_EXPANSION, URI, 3, 7));
        assertEquals(JsonParser.parseString("{\"uri\": \"file:///w/a.prompt\", \"position\": {\"line\": 0, \"character\": 0}, \"method\": \"direct\"}"),
                CommandArguments.atPosition(PaletteCommand.ATTRIBUTE, URI, 0, 0));
    }

    @Test
    void ablationNamesHeadsByLabel() {
        HeadRow l0h2 = new HeadRow(0, 2, "L0H2", List.of(0.0, 0.0, 0.0, 0.0), 0);
        assertEquals(JsonParser.parseString("{\"uri\": \"file:///w/a.prompt\", \"heads\": [\"L1H6\", \"L0H2\"], \"mean\": true}"),
                CommandArguments.ablate(URI, List.of(L1H6, l0h2), true));
        assertEquals("choose at least one head to ablate", assertThrows(IllegalArgumentException.class, () -> CommandArguments.ablate(URI, List.of(), false)).getMessage());
    }

    @Test
    void showAddsTheViewAndLeavesTheArgumentsAlone() {
        var args = CommandArguments.head(URI, L1H6);
        assertEquals(JsonParser.parseString("{\"uri\": \"file:///w/a.prompt\", \"layer\": 1, \"head\": 6, \"view\": \"circuitscope.inspectHead\"}"),
                CommandArguments.show(PaletteCommand.INSPECT_HEAD.serverCommand(), args));
        assertEquals(3, args.size());
        assertThrows(IllegalArgumentException.class, () -> CommandArguments.show(PaletteCommand.RESTART_SERVER.serverCommand(), args));
    }

    @Test
    void badArgumentsAreRefusedBeforeTheServerSeesThem() {
        assertEquals("a command needs the prompt's URI", assertThrows(IllegalArgumentException.class, () -> CommandArguments.document(" ")).getMessage());
        assertEquals("layer must be 0 or more; got -1", assertThrows(IllegalArgumentException.class, () -> CommandArguments.layer(URI, -1)).getMessage());
        assertEquals("character must be 0 or more; got -2",
                assertThrows(IllegalArgumentException.class, () -> CommandArguments.atPosition(PaletteCommand.LOGIT_LENS, URI, 0, -2)).getMessage());
    }
}

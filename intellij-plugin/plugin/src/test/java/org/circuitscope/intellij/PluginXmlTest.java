package org.circuitscope.intellij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.circuitscope.intellij.commands.PaletteCommand;
import org.circuitscope.intellij.lang.PromptFileType;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** plugin.xml against the code: every class it names exists, and its actions are the palette's. */
class PluginXmlTest {
    private static Document pluginXml() throws Exception {
        try (InputStream in = PluginXmlTest.class.getResourceAsStream("/META-INF/plugin.xml")) {
            assertNotNull(in, "META-INF/plugin.xml is on the classpath");
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    @Test
    void theActionsAreThePaletteCommandsWithTheirTitles() throws Exception {
        NodeList actions = pluginXml().getElementsByTagName("action");
        Map<String, String> inXml = new LinkedHashMap<>();
        for (int i = 0; i < actions.getLength(); i++) {
            Element a = (Element) actions.item(i);
            inXml.put(a.getAttribute("id"), a.getAttribute("text"));
        }
        Map<String, String> palette = new LinkedHashMap<>();
        for (PaletteCommand c : PaletteCommand.values()) palette.put(c.id(), "Circuitscope: " + c.title());
        assertEquals(palette, inXml);
    }

    @Test
    void everyClassItNamesExists() throws Exception {
        List<String> names = new ArrayList<>();
        NodeList all = pluginXml().getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            for (String attr : List.of("class", "implementationClass", "factoryClass", "serviceImplementation", "instance")) {
                if (!e.getAttribute(attr).isEmpty()) names.add(e.getAttribute(attr));
            }
        }
        assertFalse(names.size() < 15, "classes named: " + names);
        for (String n : names) Class.forName(n, false, getClass().getClassLoader());
    }

    @Test
    void theIconIsBundledWhereTheFileTypeLooksForIt() {
        assertNotNull(PromptFileType.class.getResource(PromptFileType.ICON));
    }
}

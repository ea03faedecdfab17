package org.circuitscope.intellij.view;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ViewerUrlsTest {
    @Test
    void onlyLoopbackHttpPagesGoToTheToolWindow() {
        assertTrue(ViewerUrls.isViewerPage("http://127.0.0.1:43117/view/circuitscope.inspectHead?uri=file%3A%2F%2F%2Fa.prompt&layer=1&head=6"));
        assertTrue(ViewerUrls.isViewerPage("http://localhost:8080/"));
        assertTrue(ViewerUrls.isViewerPage("http://[::1]:9000/index"));
        assertFalse(ViewerUrls.isViewerPage("https://transformer-circuits.pub/2021/framework/index.html"));
        assertFalse(ViewerUrls.isViewerPage("http://127.0.0.1.example.com:80/"));
        assertFalse(ViewerUrls.isViewerPage("file:///tmp/a.html"));
        assertFalse(ViewerUrls.isViewerPage("http://127.0.0.1/no-port"));
        assertFalse(ViewerUrls.isViewerPage("not a url"));
        assertFalse(ViewerUrls.isViewerPage(null));
    }
}

package org.circuitscope.intellij.actions;

import com.intellij.openapi.application.ApplicationManager;
import com.intellij.openapi.ui.popup.JBPopupFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.swing.ListSelectionModel;
import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.HeadRow;
import org.circuitscope.intellij.commands.Heads;
import org.circuitscope.intellij.lsp.ServerCommands;

/**
 * The head pickers: the model's heads come from the server's detectHeads answer, so each is described by what it
 * does; then a layer (skipped for a one-layer model), then a head or, where allowed, all of the layer's heads.
 */
final class HeadPicker {
    /** A choice of one head, or of every head of a layer ({@code head} null). */
    record Choice(int layer, HeadRow head) {
        @Override
        public String toString() { return head == null ? "All heads of layer " + layer : head.toString(); }
    }

    private record LayerItem(int layer, List<HeadRow> rows) {
        @Override
        public String toString() { return "Layer " + layer + "   " + rows.size() + " heads"; }
    }

    private HeadPicker() {}

    /** The model's heads by layer, then {@code then} on the EDT; a server error is shown instead. */
    static void heads(PromptContext p, Consumer<Map<Integer, List<HeadRow>>> then) {
        ServerCommands.execute(p.project(), "circuitscope.detectHeads", CommandArguments.document(p.uri())).whenComplete((answer, error) -> {
            if (error != null) {
                PromptAction.fail(p.project(), error);
                return;
            }
            Map<Integer, List<HeadRow>> byLayer;
            try {
                byLayer = Heads.byLayer(answer);
            } catch (IllegalArgumentException e) {
                PromptAction.fail(p.project(), e);
                return;
            }
            ApplicationManager.getApplication().invokeLater(() -> then.accept(byLayer));
        });
    }

    /** A layer, then one of its heads (or all of them with {@code allowAll}). */
    static void pickHead(PromptContext p, boolean allowAll, Consumer<Choice> chosen) {
        heads(p, byLayer -> pickLayer(p, byLayer, layer -> {
            List<Choice> items = new ArrayList<>();
            if (allowAll) items.add(new Choice(layer, null));
            for (HeadRow r : byLayer.get(layer)) items.add(new Choice(layer, r));
            JBPopupFactory.getInstance().createPopupChooserBuilder(items).setTitle("Circuitscope: head")
                    .setItemChosenCallback(chosen::accept).createPopup().showInBestPositionFor(p.editor());
        }));
    }

    /** One or more heads of any layer. */
    static void pickHeads(PromptContext p, Consumer<List<HeadRow>> chosen) {
        heads(p, byLayer -> JBPopupFactory.getInstance().createPopupChooserBuilder(Heads.all(byLayer))
                .setTitle("Circuitscope: heads to ablate (Ctrl/Shift-click for several)")
                .setSelectionMode(ListSelectionModel.MULTIPLE_INTERVAL_SELECTION)
                .setItemsChosenCallback(set -> chosen.accept(new ArrayList<>(set))).createPopup().showInBestPositionFor(p.editor()));
    }

    private static void pickLayer(PromptContext p, Map<Integer, List<HeadRow>> byLayer, Consumer<Integer> chosen) {
        if (byLayer.size() == 1) {
            chosen.accept(byLayer.keySet().iterator().next());
            return;
        }
        List<LayerItem> items = new ArrayList<>();
        byLayer.forEach((l, rows) -> items.add(new LayerItem(l, rows)));
        JBPopupFactory.getInstance().createPopupChooserBuilder(items).setTitle("Circuitscope: layer")
                .setItemChosenCallback(item -> chosen.accept(item.layer())).createPopup().showInBestPositionFor(p.editor());
    }
}

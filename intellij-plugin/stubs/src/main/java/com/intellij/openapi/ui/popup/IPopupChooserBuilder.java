package com.intellij.openapi.ui.popup;

import com.intellij.util.Consumer;
import java.util.Set;

/**
 * Compile-only stub of {@code com.intellij.openapi.ui.popup.IPopupChooserBuilder} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface IPopupChooserBuilder<T> {
    IPopupChooserBuilder<T> setTitle(String title);

    IPopupChooserBuilder<T> setSelectionMode(int selection);

    IPopupChooserBuilder<T> setItemChosenCallback(Consumer<? super T> callback);

    IPopupChooserBuilder<T> setItemsChosenCallback(Consumer<? super Set<? extends T>> callback);

    JBPopup createPopup();
}

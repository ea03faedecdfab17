package org.circuitscope.intellij.settings;

import com.intellij.openapi.application.ApplicationManager;
import com.intellij.openapi.components.PersistentStateComponent;
import com.intellij.openapi.components.State;
import com.intellij.openapi.components.Storage;

/** The application-wide settings, stored by the IDE in circuitscope.xml. */
@State(name = "CircuitscopeSettings", storages = @Storage("circuitscope.xml"))
public final class CircuitscopeSettings implements PersistentStateComponent<CircuitscopeSettings.Stored> {
    /** The stored form: a bean with public fields, as the IDE's XML serializer wants. */
    public static final class Stored {
        public String defaultModel = "";
        public String annotationMode = "surprisal";
        public int topK = 5;
        public int memoryBudgetMb = 256;
        public boolean viewerEnabled = true;
        public String javaHome = "";
    }

    private Stored stored = new Stored();

    public static CircuitscopeSettings getInstance() {
        return ApplicationManager.getApplication().getService(CircuitscopeSettings.class);
    }

    @Override
    public Stored getState() { return stored; }

    @Override
    public void loadState(Stored state) { this.stored = state; }

    /** The settings as values; a hand-edited file with a bad value falls back to the defaults rather than stopping the server. */
    public PluginSettings settings() {
        try {
            return toSettings(stored);
        } catch (IllegalArgumentException e) {
            return PluginSettings.defaults();
        }
    }

    public void set(PluginSettings s) {
        Stored n = new Stored();
        n.defaultModel = s.defaultModel();
        n.annotationMode = s.annotationMode();
        n.topK = s.topK();
        n.memoryBudgetMb = s.memoryBudgetMb();
        n.viewerEnabled = s.viewerEnabled();
        n.javaHome = s.javaHome();
        stored = n;
    }

    static PluginSettings toSettings(Stored s) {
        return new PluginSettings(s.defaultModel, s.annotationMode, s.topK, s.memoryBudgetMb, s.viewerEnabled, s.javaHome);
    }
}

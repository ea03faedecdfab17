package org.circuitscope.intellij.settings;

import com.intellij.openapi.options.Configurable;
import com.intellij.openapi.options.ConfigurationException;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSpinner;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;

/** Settings → Tools → Circuitscope: one row per setting; a change takes effect when the server restarts. */
public final class CircuitscopeConfigurable implements Configurable {
    private final JTextField defaultModel = new JTextField(30);
    private final JComboBox<String> annotationMode = new JComboBox<>(PluginSettings.ANNOTATION_MODES.toArray(new String[0]));
    private final JSpinner topK = new JSpinner(new SpinnerNumberModel(5, 1, 100, 1));
    private final JSpinner memoryBudgetMb = new JSpinner(new SpinnerNumberModel(256, 16, 1 << 20, 16));
    private final JCheckBox viewerEnabled = new JCheckBox("Show pictures (the server's viewer)");
    private final JTextField javaHome = new JTextField(30);

    @Override
    public String getDisplayName() { return "Circuitscope"; }

    @Override
    public JComponent createComponent() {
        JPanel p = new JPanel(new GridBagLayout());
        row(p, 0, "Default model folder (empty: the embedded model)", defaultModel);
        row(p, 1, "Inlay hints", annotationMode);
        row(p, 2, "Predictions in a hover", topK);
        row(p, 3, "Memory budget per document (MiB)", memoryBudgetMb);
        row(p, 4, "", viewerEnabled);
        row(p, 5, "Java 25 home (empty: JAVA_HOME, then PATH)", javaHome);
        reset();
        return p;
    }

    private static void row(JPanel p, int y, String label, JComponent field) {
        GridBagConstraints c = new GridBagConstraints();
        c.gridy = y;
        c.insets = new Insets(2, 2, 2, 8);
        c.anchor = GridBagConstraints.WEST;
        p.add(new JLabel(label), c);
        c.gridx = 1;
        c.weightx = 1;
        c.fill = GridBagConstraints.HORIZONTAL;
        p.add(field, c);
    }

    private PluginSettings form() {
        return new PluginSettings(defaultModel.getText(), (String) annotationMode.getSelectedItem(), (Integer) topK.getValue(),
                (Integer) memoryBudgetMb.getValue(), viewerEnabled.isSelected(), javaHome.getText());
    }

    @Override
    public boolean isModified() {
        try {
            return !form().equals(CircuitscopeSettings.getInstance().settings());
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    @Override
    public void apply() throws ConfigurationException {
        try {
            CircuitscopeSettings.getInstance().set(form());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    @Override
    public void reset() {
        PluginSettings s = CircuitscopeSettings.getInstance().settings();
        defaultModel.setText(s.defaultModel());
        annotationMode.setSelectedItem(s.annotationMode());
        topK.setValue(s.topK());
        memoryBudgetMb.setValue(s.memoryBudgetMb());
        viewerEnabled.setSelected(s.viewerEnabled());
        javaHome.setText(s.javaHome());
    }
}

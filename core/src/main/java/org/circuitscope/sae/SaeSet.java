package org.circuitscope.sae;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.circuitscope.model.ModelConfig;

/**
 * Several SAEs on one model at once (one per hook point, or several on one hook), each named
 * by its folder so features {@code <sae>:<index>} never clash.
 */
public final class SaeSet {
    private final Map<String, Sae> byName;

    private SaeSet(Map<String, Sae> byName) { this.byName = byName; }

    /** SAEs already built; each must attach to {@code cfg} and the names must differ. */
    public static SaeSet of(List<Sae> saes, ModelConfig cfg) {
        Map<String, Sae> m = new LinkedHashMap<>();
        for (Sae s : saes) {
            s.checkAttachable(cfg);
            if (m.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("two SAEs are named '" + s.name() + "'; features are named <sae>:<index>, so rename one folder");
            }
        }
        return new SaeSet(m);
    }

    /** Loads each folder and checks it attaches to {@code cfg}; the first bad folder's error names it. */
    public static SaeSet load(List<Path> dirs, ModelConfig cfg) throws IOException {
        List<Sae> saes = new ArrayList<>();
        for (Path d : dirs) saes.add(Sae.load(d));
        return of(saes, cfg);
    }

    public static SaeSet empty() { return new SaeSet(Map.of()); }

    public List<Sae> saes() { return List.copyOf(byName.values()); }

    public Optional<Sae> byName(String name) { return Optional.ofNullable(byName.get(name)); }

    /** The SAEs reading {@code hookName}, in load order. */
    public List<Sae> onHook(String hookName) {
        return byName.values().stream().filter(s -> s.config().hookName().equals(hookName)).toList();
    }

    /** The SAE and decoder row of a feature, checking both exist. */
    public Sae require(FeatureId f) {
        Sae s = byName.get(f.sae());
        if (s == null) throw new IllegalArgumentException("no SAE named '" + f.sae() + "' for feature " + f + "; loaded: " + byName.keySet());
        if (f.index() >= s.config().dSae()) {
            throw new IllegalArgumentException("feature " + f + " does not exist: SAE " + s.name() + " has features 0.." + (s.config().dSae() - 1));
        }
        return s;
    }

    public boolean isEmpty() { return byName.isEmpty(); }
}

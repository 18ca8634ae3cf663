package org.seer4j.data.weights;

import java.util.List;
import java.util.Map;

/**
 * Finds the state dict inside what {@code torch.save} wrote: a plain one, one under {@code state_dict} /
 * {@code model} / {@code model_state} / {@code model_state_dict} (training scripts' wrappers), or VISSL's
 * {@code classy_state_dict -> base_model -> model -> {trunk, heads}}. Everything beside it (optimizer state,
 * epoch counters) is reported as skipped, by key.
 */
final class StateDicts {
    private static final List<String> WRAPPERS = List.of("state_dict", "model", "model_state", "model_state_dict");

    private StateDicts() {
    }

    /** Fills {@code flat} with name -> value of the state dict; returns whether it was a VISSL checkpoint. */
    static boolean flatten(Object root, Map<String, Object> flat, List<String> skipped) {
        Map<?, ?> m = asMap(root);
        if (m == null) throw new IllegalArgumentException("the file holds a " + kind(root) + ", not a state_dict");
        boolean vissl = false;
        while (true) {
            Object classy = m.get("classy_state_dict");
            if (asMap(classy) != null) {
                skipOthers(m, "classy_state_dict", "", skipped);
                Map<?, ?> c = asMap(classy);
                Map<?, ?> base = asMap(c.get("base_model"));
                if (base == null) throw new IllegalArgumentException("classy_state_dict without base_model");
                skipOthers(c, "base_model", "classy_state_dict.", skipped);
                m = base;
                vissl = true;
                continue;
            }
            if (m.containsKey("trunk") && asMap(m.get("trunk")) != null && !holdsTensors(m)) {
                put(asMap(m.get("trunk")), "trunk.", flat);
                Map<?, ?> heads = asMap(m.get("heads"));
                if (heads != null) put(heads, "heads.", flat);
                for (Object k : m.keySet()) if (!"trunk".equals(k) && !"heads".equals(k)) skipped.add(String.valueOf(k));
                return true;
            }
            Map<?, ?> current = m;
            String wrapper = WRAPPERS.stream().filter(w -> asMap(current.get(w)) != null).findFirst().orElse(null);
            if (wrapper != null && !holdsTensors(m)) {
                skipOthers(m, wrapper, "", skipped);
                m = asMap(m.get(wrapper));
                continue;
            }
            put(m, "", flat);
            return vissl;
        }
    }

    private static void put(Map<?, ?> m, String prefix, Map<String, Object> flat) {
        for (Map.Entry<?, ?> e : m.entrySet()) flat.put(prefix + e.getKey(), e.getValue());
    }

    private static void skipOthers(Map<?, ?> m, String kept, String prefix, List<String> skipped) {
        for (Object k : m.keySet()) if (!kept.equals(k)) skipped.add(prefix + k);
    }

    private static boolean holdsTensors(Map<?, ?> m) {
        return m.values().stream().anyMatch(v -> v instanceof TorchTensor);
    }

    private static Map<?, ?> asMap(Object o) {
        return o instanceof Map<?, ?> m ? m : null;
    }

    private static String kind(Object o) {
        return o == null ? "None" : o instanceof TorchTensor ? "single tensor" : o.getClass().getSimpleName();
    }
}

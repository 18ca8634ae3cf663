package org.seer4j.app.engine;

import com.google.inject.Guice;
import com.google.inject.Module;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.seer4j.app.UserException;
import org.seer4j.core.port.Engine;
import org.seer4j.djl.DjlBackendModule;
import org.seer4j.tensorflow.TensorFlowBackendModule;

/** The composition root's choice of engine: {@code backend.name} / {@code --backend} to the Guice module. */
public final class Engines {
    private static final Map<String, Supplier<Module>> MODULES = new TreeMap<>(Map.of("djl", DjlBackendModule::new,
            "tensorflow", TensorFlowBackendModule::new));

    private Engines() {
    }

    public static Engine byName(String name) {
        return Guice.createInjector(module(name)).getInstance(Engine.class);
    }

    /**
     * Puts {@code module} behind {@code name} and returns the module it replaces (tests: an engine that fails in
     * a chosen way, driven through the whole command line).
     */
    public static synchronized Supplier<Module> replace(String name, Supplier<Module> module) {
        return MODULES.put(name, module);
    }

    /** The Guice module binding the named engine, for injectors that wire more than the engine. */
    public static synchronized Module module(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Supplier<Module> module = MODULES.get(key);
        if (module == null) {
            throw new UserException("unknown or unavailable backend '" + name + "'; available: "
                    + String.join(", ", MODULES.keySet()));
        }
        return module.get();
    }
}

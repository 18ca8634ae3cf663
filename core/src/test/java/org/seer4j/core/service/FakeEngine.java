package org.seer4j.core.service;

import java.util.ArrayList;
import java.util.List;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.port.Engine;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.port.SwavObjective;

/** An engine whose models do small, hand-checkable float math (see {@link FakeSwavModel}). */
final class FakeEngine implements Engine {
    final List<FakeSwavModel> opened = new ArrayList<>();
    final List<EngineSettings> settings = new ArrayList<>();
    final FakeClock clock;
    long nanAtIteration = -1;

    FakeEngine(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        return "fake 1.0";
    }

    @Override
    public SwavModel open(ModelDefinition model, EngineSettings settings) {
        this.settings.add(settings);
        FakeSwavModel m = new FakeSwavModel(settings.seed(), settings.optim().momentum(), clock, nanAtIteration);
        opened.add(m);
        return m;
    }

    @Override
    public SwavObjective objective() {
        throw new UnsupportedOperationException("the fake engine has no objective");
    }

    @Override
    public double sgemmGflops(int n, int threads) {
        return 1;
    }

    FakeSwavModel last() {
        return opened.get(opened.size() - 1);
    }
}

package org.seer4j.tensorflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.seer4j.core.distributed.Replicas;
import org.seer4j.core.model.ModelDefinition;
import org.seer4j.core.optim.OptimizerShards;
import org.seer4j.core.port.EngineSettings;
import org.seer4j.core.port.Features;
import org.seer4j.core.port.LossAndGradients;
import org.seer4j.core.port.MultiCropBatch;
import org.seer4j.core.port.ProfiledStep;
import org.seer4j.core.port.StepPlan;
import org.seer4j.core.port.StepResult;
import org.seer4j.core.port.SwavModel;
import org.seer4j.core.swav.EmbeddingQueue;
import org.seer4j.core.tensor.Tensor;
import org.seer4j.core.tensor.TensorInfo;
import org.seer4j.core.tensor.TensorReader;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TargetedSession;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * A RegNet + SwAV model living in one TensorFlow graph and session. The inference graph is built at open; one
 * training graph is built per set of crop shapes on first use and reused, so steady-state training adds no ops.
 *
 * <p>The step is one session run (forward, Sinkhorn, backward and update fused), so {@link StepResult} reports
 * copying the batch in as forward time, the run as backward time and the queue bookkeeping as update time.
 */
final class TfSwavModel implements SwavModel {
    private static final String MOMENTUM = "momentum.";
    private static final String QUEUE = "queue.";

    private final ModelDefinition def;
    private final EngineSettings settings;
    private final Graph graph;
    private final Ops tf;
    private final Session session;
    /** Parts inference splits a batch into, run side by side (one per inter-op thread; see {@link #infer}). */
    private final int inferParts;
    private final ExecutorService inferThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "seer4j-tf-infer");
        t.setDaemon(true);
        return t;
    });
    private final VariableStore vars;
    private final RegNetGraph net;
    private final UpdateGraph update;
    private final Map<List<List<Integer>>, TrainingGraph> training = new HashMap<>();
    /** Chunked views handed out, released when the model changes. */
    private final List<VariableReader> readers = new ArrayList<>();
    private final Placeholder<TFloat32> inferInput;
    private final Operand<TFloat32> inferPooled;
    private final Operand<TFloat32> inferLogits;
    /** One queue per assigning crop, empty when swav.queue_length is 0. */
    private final List<EmbeddingQueue> queues = new ArrayList<>();
    /** In-graph all-reduce for data-parallel steps; null in one process. */
    private final GraphCollective graphCollective;
    /** The host collective of a data-parallel run; null in one process. */
    private final TfCollective workers;
    /** Sharded optimiser state (backend.shard_optimizer_state with several workers): who owns which tensor. */
    private final OptimizerShards shards;
    /** Rank 0, sharded: the momentum of the tensors others own, gathered for a checkpoint until the next step. */
    private final Map<String, TFloat32> gathered = new LinkedHashMap<>();

    TfSwavModel(ModelDefinition def, EngineSettings settings, GroupedConv groupedConv, Map<String, Tensor> initial) {
        this(def, settings, groupedConv, TensorReader.of(initial));
    }

    /** A model whose initial weights are read chunk by chunk from {@code initial} (every tensor must be there). */
    TfSwavModel(ModelDefinition def, EngineSettings settings, GroupedConv groupedConv, TensorReader initial) {
        TfCollective workers = null;
        if (settings.collective() != null && settings.collective().worldSize() > 1) {
            if (!(settings.collective() instanceof TfCollective tc)) {
                throw new UnsupportedOperationException("the tensorflow engine trains data-parallel only over"
                        + " TensorFlow's own collective (TfCollective), got " + settings.collective().getClass()
                        .getName() + " for " + settings.collective().worldSize() + " workers");
            }
            workers = tc;
        }
        this.workers = workers;
        int bnGroup = settings.syncBnWorkers();
        this.graphCollective = workers == null ? null
                : new GraphCollective(workers.rank(), workers.worldSize(), workers.timeout().toMillis() / 1000f,
                bnGroup);
        this.def = def;
        this.settings = settings;
        this.graph = new Graph();
        Session s = null;
        try {
            this.tf = Ops.create(graph);
            this.vars = new VariableStore(tf);
            this.net = new RegNetGraph(vars, def, groupedConv);
            // a group of one is each worker's own batch: the fused kernel, no all-reduce
            net.syncBatchNorm(bnGroup > 1 ? graphCollective : null);
            this.update = settings.optim() == null ? null : new UpdateGraph(settings.optim());
            Ops ti = tf.withSubScope("infer");
            inferInput = ti.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3, -1, -1)));
            List<RegNetGraph.BnStat> none = new ArrayList<>();
            inferPooled = net.trunk(ti, RegNetGraph.nchwToNhwc(ti, inferInput), false, none);
            inferLogits = def.classes() > 0 ? net.classifier(ti, inferPooled) : null;
            if (def.head() != null && def.prototypes() > 0) {
                // declares the head and prototype variables, so weights() and loadWeights() see the whole model
                RegNetGraph.scores(ti, RegNetGraph.l2Normalize(ti, net.head(ti, inferPooled, false, none)),
                        net.prototypes());
            }
            // sharded optimiser state: owners by the core's rule, from the trained tensors' names and sizes
            List<TfVariable> trained = vars.trainedVariables();
            this.shards = settings.shardOptimizerState() && workers != null && settings.optim() != null
                    ? OptimizerShards.of(trained.stream().map(TfVariable::name).toList(),
                    trained.stream().map(TfVariable::size).toList(), workers.worldSize()) : null;
            // a worker reserves momentum only for the tensors it owns
            vars.declareMomentum(settings.optim() != null && settings.optim().stateDtype().equals("bfloat16")
                    ? TBfloat16.class : TFloat32.class, name -> shards == null || owns(name));
            int localRank = settings.collective() == null ? 0 : settings.collective().localRank();
            int groups = settings.views() == null ? 1 : settings.views().crops().size();
            ConfigProto local = SessionConfigs.forCropGroups(settings.device(), settings.threads(), groups, localRank);
            this.inferParts = workers == null ? local.getInterOpParallelismThreads() : 1;
            s = workers == null
                    ? new Session(graph, local)
                    // collective ops run only in a session on the worker's TF server
                    : TargetedSession.open(graph, workers.target(),
                            workers.sessionConfig(SessionConfigs.of(settings.device(), settings.threads(), localRank)));
            this.session = s;
            List<String> missing = new ArrayList<>(vars.byName().keySet());
            missing.removeAll(initial.tensors().stream().map(TensorInfo::name).toList());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("initial weights lack " + missing);
            }
            VariableStore.load(session, vars.byName(), initial);
            if (workers != null) {
                // every replica starts from rank 0's weights
                loadWeights(Replicas.broadcast(weights(), workers));
            }
            VariableStore.zero(session, vars.momentumBuffers());
            // this worker's share of swav.queue_length (the core's QueueSchedule)
            int queueLength = settings.swav() == null ? 0 : settings.queue().rowsPerWorker();
            if (queueLength > 0 && def.head() != null) {
                for (int i = 0; i < settings.views().assignCrops().size(); i++) {
                    queues.add(new EmbeddingQueue(queueLength, def.head().outWidth()));
                }
            }
        } catch (RuntimeException e) {
            if (s != null) s.close();
            graph.close();
            throw e;
        }
    }

    /** Operations in the graph; constant once every crop-shape set has been seen. */
    int operationCount() {
        return operationCount("");
    }

    /** Operations in the graph whose name contains {@code part}. */
    int operationCount(String part) {
        int n = 0;
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            if (it.next().name().contains(part)) n++;
        }
        return n;
    }

    @Override
    public StepResult step(MultiCropBatch batch, StepPlan plan) {
        return run(batch, plan, null);
    }

    /** The step traced by TensorFlow: the time of every op, by kind (see {@link TfOpProfile}). */
    @Override
    public ProfiledStep profiledStep(MultiCropBatch batch, StepPlan plan) {
        TracedStep t = tracedStep(batch, plan);
        return new ProfiledStep(t.result(), t.profile().toStepProfile(t.wallMs(), t.result().forwardNanos() / 1e6));
    }

    /** The same step traced by TensorFlow (RunOptions FULL_TRACE), with its time by kind of operation. */
    TracedStep tracedStep(MultiCropBatch batch, StepPlan plan) {
        RunMetadata[] trace = new RunMetadata[1];
        long t0 = System.nanoTime();
        StepResult r = run(batch, plan, trace);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        if (gradientScopes == null) gradientScopes = TfOpProfile.gradientScopes(graph);
        return new TracedStep(r, wallMs, TfOpProfile.of(trace[0], gradientScopes));
    }

    /** Gradient op names to their layers' scopes, for profiles; found once the training graphs exist. */
    private Map<String, String> gradientScopes;

    /** A traced step's result, wall time and op profile. */
    record TracedStep(StepResult result, double wallMs, TfOpProfile profile) {
    }

    /** One step; with {@code trace} non-null the run is traced and its metadata stored there. */
    private StepResult run(MultiCropBatch batch, StepPlan plan, RunMetadata[] trace) {
        releaseReaders();
        releaseGathered();
        long t0 = System.nanoTime();
        TrainingGraph g = trainingGraph(batch);
        boolean fill = !queues.isEmpty() && settings.queue().fills(plan.iteration());
        List<TFloat32> fed = new ArrayList<>();
        try {
            Session.Runner runner = feed(g, batch, plan, fed);
            try (TFloat32 lr = TFloat32.scalarOf((float) plan.lr())) {
                runner.feed(g.lr, lr);
                runner.fetch(g.loss);
                if (fill) g.assignEmbeddings.forEach(runner::fetch);
                g.bnUpdates.forEach(runner::addTarget);
                g.updates(plan.freezePrototypes()).forEach(runner::addTarget);
                long t1 = System.nanoTime();
                float loss;
                List<Tensor> embeddings = new ArrayList<>();
                if (trace != null) {
                    runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
                }
                // the first run of these fetches and targets also prepares them: trim what that frees
                try (NativeHeapTrim prepared = g.firstRunOf(fill, plan.freezePrototypes())
                        ? NativeHeapTrim.whileOpen() : null;
                     Result r = trace == null ? runner.run() : runner.runAndFetchMetadata()) {
                    if (trace != null) trace[0] = r.getMetadata().orElseThrow();
                    loss = TfTensors.scalar(r.get(0));
                    for (int i = 1; i < r.size(); i++) embeddings.add(TfTensors.fromTf(r.get(i)));
                } catch (TFInvalidArgumentException e) {
                    if (String.valueOf(e.getMessage()).contains("assertion failed")) {
                        throw new IllegalStateException("loss or batch statistics not finite at step "
                                + plan.iteration() + "; training stopped before updating the weights (lower the"
                                + " learning rate, check the input data for NaN/inf, or resume from an earlier"
                                + " checkpoint)", e);
                    }
                    throw e;
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < embeddings.size(); i++) queues.get(i).push(embeddings.get(i));
                return new StepResult(loss, t1 - t0, 0, t2 - t1, System.nanoTime() - t2);
            }
        } finally {
            fed.forEach(TFloat32::close);
        }
    }

    @Override
    public LossAndGradients lossAndGradients(MultiCropBatch batch, StepPlan plan) {
        TrainingGraph g = trainingGraph(batch);
        List<TFloat32> fed = new ArrayList<>();
        try {
            Session.Runner runner = feed(g, batch, plan, fed);
            runner.fetch(g.loss);
            g.gradients().forEach(runner::fetch);
            try (Result r = runner.run()) {
                Map<String, Tensor> grads = new LinkedHashMap<>();
                for (int i = 0; i < g.gradientVariables.size(); i++) {
                    TfVariable v = g.gradientVariables.get(i);
                    grads.put(v.name(), v.toInterchange(TfTensors.fromTf(r.get(i + 1))));
                }
                return new LossAndGradients(TfTensors.scalar(r.get(0)), grads);
            }
        } finally {
            fed.forEach(TFloat32::close);
        }
    }

    private Session.Runner feed(TrainingGraph g, MultiCropBatch batch, StepPlan plan, List<TFloat32> fed) {
        Session.Runner runner = session.runner();
        for (int i = 0; i < g.inputs.size(); i++) {
            TFloat32 t = TfTensors.toTfNhwc(batch.groups().get(i));
            fed.add(t);
            runner.feed(g.inputs.get(i), t);
        }
        if (plan.useQueue() && (queues.isEmpty() || !queues.get(0).full())) {
            throw new IllegalStateException("step " + plan.iteration() + " asks for the queue, but it holds "
                    + (queues.isEmpty() ? 0 : queues.get(0).pushedRows()) + " of its "
                    + settings.queue().rowsPerWorker() + " rows (swav.queue_length = " + settings.swav().queueLength()
                    + ")");
        }
        int width = def.head().outWidth();
        for (int i = 0; i < g.queueFeeds.size(); i++) {
            TFloat32 t = plan.useQueue() ? TfTensors.toTf(queues.get(i).contents())
                    : TfTensors.toTf(new float[0], 0, width);
            fed.add(t);
            runner.feed(g.queueFeeds.get(i), t);
        }
        return runner;
    }

    private TrainingGraph trainingGraph(MultiCropBatch batch) {
        if (def.head() == null || def.prototypes() == 0) {
            throw new IllegalStateException("this model has no SwAV head and prototypes; it can only infer");
        }
        if (update == null || settings.swav() == null || settings.views() == null) {
            throw new IllegalStateException("training needs the swav, optim and views settings");
        }
        if (batch.batchSize() != settings.batchSize() && settings.batchSize() > 0) {
            throw new IllegalArgumentException("batch of " + batch.batchSize() + " images, but the engine was"
                    + " opened for " + settings.batchSize());
        }
        int crops = batch.totalCrops();
        if (crops != settings.views().totalCrops()) {
            throw new IllegalArgumentException("batch has " + crops + " crops per image, views declare "
                    + settings.views().totalCrops());
        }
        List<List<Integer>> key = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (Tensor t : batch.groups()) {
            key.add(List.of(t.dim(0), t.dim(1), t.dim(2), t.dim(3)));
            shapes.add(t.shape());
        }
        key.add(List.of(batch.batchSize()));
        if (!training.containsKey(key)) gradientScopes = null;
        return training.computeIfAbsent(key, k -> new TrainingGraph(graph, tf, "train" + training.size(), net,
                vars, update, settings.swav(), settings.views().assignCrops(), batch.batchSize(), shapes,
                graphCollective, shards == null ? null : new ShardedUpdateGraph(shards, graphCollective),
                settings.activationCheckpointing()));
    }

    @Override
    public Features infer(Tensor images) {
        if (images.rank() != 4 || images.dim(1) != 3) {
            throw new IllegalArgumentException("infer takes NCHW RGB images [N, 3, H, W], got " + images);
        }
        int parts = Math.min(inferParts, images.dim(0));
        if (parts <= 1) return inferWhole(images);
        // The session runs each op on one intra-op thread (SessionConfigs.forCropGroups), and a forward pass is one
        // chain of ops: so the batch is split and the parts run side by side, one per inter-op thread. BN in
        // inference mode treats every image alone, so the parts give exactly the whole batch's features.
        List<Tensor> slices = Batches.split(images, parts);
        List<CompletableFuture<Features>> side = new ArrayList<>();
        for (Tensor slice : slices.subList(1, parts)) {
            side.add(CompletableFuture.supplyAsync(() -> inferWhole(slice), inferThreads));
        }
        List<Features> done = new ArrayList<>(List.of(inferWhole(slices.get(0))));
        for (CompletableFuture<Features> f : side) done.add(f.join());
        return new Features(Batches.concat(done.stream().map(Features::pooled).toList()),
                inferLogits == null ? null : Batches.concat(done.stream().map(Features::logits).toList()));
    }

    private Features inferWhole(Tensor images) {
        try (TFloat32 x = TfTensors.toTf(images)) {
            Session.Runner runner = session.runner().feed(inferInput, x).fetch(inferPooled);
            if (inferLogits != null) runner.fetch(inferLogits);
            try (Result r = runner.run()) {
                return new Features(TfTensors.fromTf(r.get(0)), inferLogits == null ? null : TfTensors.fromTf(r.get(1)));
            }
        }
    }

    @Override
    public Map<String, Tensor> weights() {
        return VariableStore.read(session, vars.variables(), "");
    }

    @Override
    public void loadWeights(Map<String, Tensor> weights) {
        releaseReaders();
        VariableStore.load(session, vars.byName(), weights);
    }

    @Override
    public TensorReader weightsReader() {
        releaseReaders();
        VariableReader r = new VariableReader(session, vars.variables(), "");
        readers.add(r);
        return r;
    }

    @Override
    public void loadWeights(TensorReader weights) {
        releaseReaders();
        VariableStore.load(session, vars.byName(), weights);
    }

    /**
     * Momentum buffers as a chunked view of the session (sharded: this worker's, and on rank 0 after
     * {@link #gatherTrainingState()} the others' too, in the model's order), then the (small) queues from the heap.
     */
    @Override
    public TensorReader trainingStateReader() {
        releaseReaders();
        VariableReader momentum = new VariableReader(session, vars.momentumBuffers(), MOMENTUM);
        readers.add(momentum);
        Map<String, Tensor> queueState = new LinkedHashMap<>();
        for (int i = 0; i < queues.size(); i++) queueState.put(QUEUE + i, queues.get(i).contents());
        TensorReader queueReader = TensorReader.of(queueState);
        List<TensorInfo> infos = new ArrayList<>();
        for (TfVariable v : vars.trainedVariables()) {
            if (vars.momentumOf(v) != null || gathered.containsKey(v.name())) {
                infos.add(TensorInfo.of(MOMENTUM + v.name(), v.interchangeShape()));
            }
        }
        infos.addAll(queueReader.tensors());
        return new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return List.copyOf(infos);
            }

            @Override
            public void read(String name, long offset, java.nio.FloatBuffer into) {
                TFloat32 held = name.startsWith(MOMENTUM) ? gathered.get(name.substring(MOMENTUM.length())) : null;
                if (held != null) {
                    TensorReader.checkRange(info(name).orElseThrow(), offset, into.remaining());
                    float[] chunk = new float[into.remaining()];
                    held.asRawTensor().data().asFloats().offset(offset).read(chunk);
                    into.put(chunk);
                } else {
                    (name.startsWith(QUEUE) ? queueReader : momentum).read(name, offset, into);
                }
            }
        };
    }

    /**
     * Momentum chunk by chunk into the session; the queues (small) through the map path. Sharded, a worker loads
     * only the tensors it owns (a checkpoint holds every tensor's momentum, whatever the workers that wrote it).
     */
    @Override
    public void loadTrainingState(TensorReader state) {
        releaseReaders();
        Map<String, Tensor> queueState = new LinkedHashMap<>();
        List<TensorInfo> momentum = new ArrayList<>();
        for (TensorInfo t : state.tensors()) {
            if (t.name().startsWith(QUEUE)) queueState.put(t.name(), state.readTensor(t.name()));
            else if (!keptElsewhere(t.name())) momentum.add(t);
        }
        if (!queueState.isEmpty()) loadTrainingState(queueState);
        Map<String, TfVariable> byPrefixedName = new LinkedHashMap<>();
        vars.momentumBuffers().forEach(v -> byPrefixedName.put(MOMENTUM + v.name(), v));
        VariableStore.load(session, byPrefixedName, new TensorReader() {
            @Override
            public List<TensorInfo> tensors() {
                return momentum;
            }

            @Override
            public void read(String name, long offset, java.nio.FloatBuffer into) {
                state.read(name, offset, into);
            }
        });
    }

    /** Sharded: a momentum entry of a tensor another worker owns (its shape is checked by that worker). */
    private boolean keptElsewhere(String key) {
        if (shards == null || !key.startsWith(MOMENTUM)) return false;
        String name = key.substring(MOMENTUM.length());
        return shards.covers(name) && !owns(name);
    }

    private boolean owns(String name) {
        return shards.owner(name) == workers.rank();
    }

    /**
     * Sharded state, on every worker before rank 0 writes a checkpoint: each owner broadcasts the momentum of its
     * tensors (host collective, one tensor at a time) and rank 0 keeps the others' in native tensors until the next
     * step, so the checkpoint holds the whole state, the same as an unsharded run's, and resumes under any number
     * of workers, sharded or not. Rank 0 briefly holds the whole momentum.
     */
    @Override
    public void gatherTrainingState() {
        if (shards == null) return;
        releaseReaders();
        releaseGathered();
        int rank = workers.rank();
        // grouped fetches of this worker's buffers (one session signature per group, not per tensor)
        VariableReader own = new VariableReader(session, vars.momentumBuffers(), "");
        try {
            for (TfVariable v : vars.trainedVariables()) {
                int owner = shards.owner(v.name());
                float[] values = new float[Math.toIntExact(v.size())];
                if (owner == rank) own.read(v.name(), 0, java.nio.FloatBuffer.wrap(values));
                workers.broadcast(values, owner);
                if (rank == 0 && owner != 0) {
                    TFloat32 t = TFloat32.tensorOf(TfTensors.shape(v.interchangeShape()));
                    t.asRawTensor().data().asFloats().write(values);
                    gathered.put(v.name(), t);
                }
            }
        } finally {
            own.release();
        }
    }

    private void releaseGathered() {
        gathered.values().forEach(TFloat32::close);
        gathered.clear();
    }

    /** Optimiser state values this worker holds in its variables (sharded: its share only). */
    long momentumValues() {
        return vars.momentumBuffers().stream().mapToLong(TfVariable::size).sum();
    }

    /** Views handed out earlier hold a fetched tensor; a change of the model ends them. */
    private void releaseReaders() {
        readers.forEach(VariableReader::release);
        readers.clear();
    }

    /** The same tensors as {@link #trainingStateReader()}, whole on the heap (small models). */
    @Override
    public Map<String, Tensor> trainingState() {
        Map<String, Tensor> state = trainingStateReader().toMap();
        releaseReaders();
        return state;
    }

    @Override
    public void loadTrainingState(Map<String, Tensor> state) {
        Map<String, Tensor> momentum = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith(MOMENTUM)) {
                if (!keptElsewhere(e.getKey())) {
                    momentum.put(e.getKey().substring(MOMENTUM.length()), e.getValue());
                }
            } else if (e.getKey().startsWith(QUEUE)) {
                int i = queueIndex(e.getKey());
                Tensor t = e.getValue();
                if (t.rank() != 2 || t.dim(1) != queues.get(i).dim()) {
                    throw new IllegalArgumentException(e.getKey() + " must be [" + queues.get(i).length() + ", "
                            + queues.get(i).dim() + "], got " + t);
                }
                int length = queues.get(i).length();
                int pushed = EmbeddingQueue.pushedRows(t);
                // a checkpoint of another number of workers holds rank 0's queue of another length
                queues.set(i, t.dim(0) == length ? EmbeddingQueue.restore(t, pushed)
                        : EmbeddingQueue.resized(t, pushed, length));
            } else {
                throw new IllegalArgumentException("unknown training state entry '" + e.getKey() + "'");
            }
        }
        VariableStore.load(session, vars.momentumByName(), momentum);
    }

    private int queueIndex(String key) {
        try {
            int i = Integer.parseInt(key.substring(QUEUE.length()));
            if (i >= 0 && i < queues.size()) return i;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("training state '" + key + "' names no queue of this model ("
                + queues.size() + " queues)");
    }

    @Override
    public void close() {
        releaseReaders();
        releaseGathered();
        inferThreads.shutdownNow();
        session.close();
        graph.close();
    }
}

package org.seer4j.data.weights;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles PyTorch checkpoints without ever resolving a global outside an allow-list. A pickle names the callables
 * it wants called (GLOBAL / STACK_GLOBAL opcodes); Python would import and call them, which is how a malicious
 * file runs {@code os.system}. Here each name is looked up in {@link #ALLOWED}, whose constructors only build
 * plain values (maps, tensor references, storage types); any other name stops the load with an error naming it,
 * before anything is constructed. The opcodes that name classes in other ways (INST, OBJ, EXT*) are refused too.
 * Persistent ids (PyTorch's storages) are handed to the caller's resolver.
 */
final class SafeUnpickler extends Unpickler {
    private static final Map<String, IObjectConstructor> ALLOWED = allowed();

    private final Function<Object[], Object> storages;

    /** @param storages turns a persistent id tuple ({@code ('storage', type, key, location, numel, ...)}) into a storage */
    SafeUnpickler(Function<Object[], Object> storages) {
        this.storages = storages;
    }

    /** Thrown for a global outside the allow-list or an opcode that could name one; the message says which. */
    static final class RefusedException extends PickleException {
        RefusedException(String what) {
            super(what);
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(resolve(String.valueOf(module), String.valueOf(name)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4, Opcodes.PERSID ->
                    throw new RefusedException("the pickle uses opcode " + key + ", which PyTorch checkpoints do not; "
                            + "refusing to load it");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] tuple)) throw new PickleException("unexpected persistent id " + pid);
        return storages.apply(tuple);
    }

    private static IObjectConstructor resolve(String module, String name) {
        IObjectConstructor c = ALLOWED.get(module + "." + name);
        if (c == null) {
            throw new RefusedException("the pickle calls " + module + "." + name
                    + ", which is not among the globals PyTorch checkpoints use; refusing to load it (nothing was run)");
        }
        return c;
    }

    /** The storage class named by a persistent id: a type marker, never constructed itself. */
    record StorageClass(TorchDtype dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + dtype.storageClass() + " is only expected inside persistent ids");
        }
    }

    /** A dict built by REDUCE (OrderedDict); BUILD gives it instance attributes (state_dict's _metadata). */
    public static final class PickledDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;

        public void __setstate__(HashMap<?, ?> state) {
            // instance attributes such as _metadata (module versions) carry no weights
        }
    }

    /** A value of no interest to an import (numpy scalars and dtypes): kept as an inert placeholder. */
    public static final class Opaque {
        private final String type;

        Opaque(String type) {
            this.type = type;
        }

        public void __setstate__(Object[] state) {
            // numpy's state tuple: nothing to keep
        }

        public void __setstate__(HashMap<?, ?> state) {
            // nothing to keep
        }

        @Override
        public String toString() {
            return "<" + type + ">";
        }
    }

    private static Map<String, IObjectConstructor> allowed() {
        Map<String, IObjectConstructor> m = new HashMap<>();
        m.put("collections.OrderedDict", args -> {
            PickledDict d = new PickledDict();
            if (args.length == 1 && args[0] instanceof List<?> pairs) {
                for (Object p : pairs) {
                    if (p instanceof Object[] kv && kv.length == 2) d.put(kv[0], kv[1]);
                }
            }
            return d;
        });
        m.put("torch._utils._rebuild_tensor_v2", SafeUnpickler::tensor);
        m.put("torch._utils._rebuild_tensor", SafeUnpickler::tensor);
        IObjectConstructor parameter = args -> {
            if (args.length < 1 || !(args[0] instanceof TorchTensor)) throw new PickleException("parameter without data");
            return args[0];
        };
        m.put("torch._utils._rebuild_parameter", parameter);
        m.put("torch._utils._rebuild_parameter_with_state", parameter);
        for (TorchDtype d : TorchDtype.values()) m.put("torch." + d.storageClass(), new StorageClass(d));
        // protocol-2 pickles spell bytes as _codecs.encode(text, 'latin1')
        m.put("_codecs.encode", args -> {
            if (args.length < 1 || !(args[0] instanceof String s)) throw new PickleException("_codecs.encode of a non-string");
            return s.getBytes(StandardCharsets.ISO_8859_1);
        });
        IObjectConstructor set = args -> {
            Set<Object> s = new HashSet<>();
            if (args.length == 1 && args[0] instanceof List<?> items) s.addAll(items);
            return s;
        };
        m.put("builtins.set", set);
        m.put("__builtin__.set", set); // protocol 2 spells builtins the Python 2 way
        m.put("numpy.core.multiarray.scalar", args -> new Opaque("numpy scalar"));
        m.put("numpy.dtype", args -> new Opaque("numpy dtype"));
        return Map.copyOf(m);
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, ...)}: a reference, nothing read yet. */
    private static Object tensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof TorchStorage storage)) {
            throw new PickleException("a tensor without a storage");
        }
        long offset = ((Number) args[1]).longValue();
        Object[] size = (Object[]) args[2];
        Object[] stride = (Object[]) args[3];
        int[] shape = new int[size.length];
        long[] strides = new long[stride.length];
        for (int i = 0; i < size.length; i++) {
            long d = ((Number) size[i]).longValue();
            if (d < 0 || d > Integer.MAX_VALUE) throw new PickleException("tensor dimension " + d + " out of range");
            shape[i] = (int) d;
        }
        for (int i = 0; i < stride.length; i++) strides[i] = ((Number) stride[i]).longValue();
        return new TorchTensor(storage, offset, shape, strides);
    }
}

package org.seer4j.app.cli;

/** A launch worker that prints what TensorFlow 2.18's native logging prints when the collective starts. */
public final class NativeChatterWorker {
    public static void main(String[] args) {
        System.err.println("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR");
        System.err.println("I0000 00:00:1796100480.046986   23280 grpc_server_lib.cc:464] Started server with target:"
                + " grpc://127.0.0.1:29501");
        System.err.println("W0000 00:00:1796100481.000001   23280 some_pass.cc:12] something to look at");
        System.out.println("the worker's own line");
    }
}

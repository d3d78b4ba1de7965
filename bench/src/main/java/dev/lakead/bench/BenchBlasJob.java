package dev.lakead.bench;

import dev.lakead.models.NativeThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * sgemm as ND4J runs it in this JVM (no Spark): the rate of a product into a
 * preallocated f-order array (the BLAS's own speed) and of {@code INDArray.mmul} (allocates a c-order result), at 1
 * thread and at every core, and the largest error against a double-precision product (some OpenBLAS kernels
 * compute wrong results on some processors: a fast kernel must also be right). bench/blas.sh runs it per setting.
 */
@Command(name = "bench-blas", mixinStandardHelpOptions = true,
        description = {"Measure ND4J's sgemm rate and correctness here.",
                "ND4J sgemm rates and correctness on this machine (no Spark), one line per thread count."})
final class BenchBlasJob implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "1024", description = "Matrix size n of the n^3 product. Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--label", defaultValue = "", description = "Label printed on every line.")
    String label;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        double error = relativeError(256);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads : cores > 1 ? new int[]{1, cores} : new int[]{1}) {
            NativeThreads.use(threads);
            BenchPerfJob.Sgemm.Result r = BenchPerfJob.Sgemm.measure(size);
            out.printf("blas label=%s threads=%d gemm_gflops=%.1f mmul_gflops=%.1f max_rel_error=%.1e%n",
                    label.isEmpty() ? "-" : label, threads, r.gemmPreallocated(), r.mmulAllocating(), error);
        }
        out.flush();
        return 0;
    }

    /** Largest |float product - double product| / max |double product| on random n x n matrices. */
    private static double relativeError(int n) {
        Nd4j.getRandom().setSeed(7);
        INDArray a = Nd4j.rand(DataType.DOUBLE, n, n).subi(0.5);
        INDArray b = Nd4j.rand(DataType.DOUBLE, n, n).subi(0.5);
        INDArray exact = a.mmul(b);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[]{n, n}, 'f');
        Nd4j.gemm(a.castTo(DataType.FLOAT), b.castTo(DataType.FLOAT), c, false, false, 1.0, 0.0);
        double scale = exact.amaxNumber().doubleValue();
        return c.castTo(DataType.DOUBLE).subi(exact).amaxNumber().doubleValue() / scale;
    }
}

package dev.lakead.models;

import dev.lakead.LakeadException;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Puts each Spark task's ND4J work on the GPU that Spark assigned to the task. With GPU scheduling
 * ({@code spark.executor.resource.gpu.amount}, {@code spark.task.resource.gpu.amount}) Spark hands every task the
 * addresses of its GPUs ({@code TaskContext.resources().get("gpu")}), but ND4J's CUDA backend chooses each
 * thread's device by itself, not knowing Spark's assignment, so two tasks could share one GPU while another idles.
 * {@link #use()} runs at the start of each scoring and training task (BatchScorer, AveragingTrainer, and DL4J's
 * training master through SparkNetworkTrainer) and points the task thread's ND4J at the task's GPU. It does nothing
 * on the CPU backend and nothing when the task has no GPU (no GPU scheduling configured).
 *
 * <p>A GPU address is a CUDA device index as the executor sees it (what Spark's example discovery script
 * {@code getGpusResources.sh} prints: {@code nvidia-smi}'s indices). A task given several GPUs runs its ND4J work
 * on the first one listed.
 */
public final class TaskDevices {
    private static final Logger LOG = LoggerFactory.getLogger(TaskDevices.class);

    /** Spark's resource name for GPUs. */
    public static final String GPU = "gpu";

    private TaskDevices() {
    }

    /**
     * The ND4J device for a task's resources: the first GPU address, as an integer; empty when the task was given
     * no GPU. A non-integer address (a UUID, a PCI bus id) is an error that names it.
     */
    public static OptionalInt device(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources == null ? null : resources.get(GPU);
        if (gpus == null || gpus.addresses().length == 0) {
            return OptionalInt.empty();
        }
        String address = gpus.addresses()[0].trim();
        try {
            int device = Integer.parseInt(address);
            if (device < 0) {
                throw new NumberFormatException();
            }
            return OptionalInt.of(device);
        } catch (NumberFormatException e) {
            throw new LakeadException("Spark assigned this task the GPU address '" + address + "', but ND4J needs a"
                    + " CUDA device index (0, 1, ...): the GPU discovery script"
                    + " (spark.executor.resource.gpu.discoveryScript) must print indices, as Spark's"
                    + " getGpusResources.sh does, e.g. {\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}");
        }
    }

    /**
     * At the start of a task: on the CUDA backend, makes the task's GPU the ND4J device of this thread. Nothing
     * happens outside a task, without an assigned GPU, or on the CPU backend.
     */
    public static void use() {
        use(TaskContext.get(), TaskDevices::cudaBackend, TaskDevices::setNd4jDevice);
    }

    /**
     * {@link #use()} with the backend check and the device setter given: sets the task's device through
     * {@code setDevice} when the task (null outside a task) has a GPU and {@code cuda} says the backend is CUDA
     * (asked only then). Returns the device set.
     */
    public static OptionalInt use(TaskContext task, BooleanSupplier cuda, IntConsumer setDevice) {
        return task == null ? OptionalInt.empty() : use(task.resourcesJMap(), cuda, setDevice);
    }

    /** As {@link #use(TaskContext, BooleanSupplier, IntConsumer)} for a task's resources. */
    static OptionalInt use(Map<String, ResourceInformation> resources, BooleanSupplier cuda, IntConsumer setDevice) {
        OptionalInt device = device(resources);
        if (device.isEmpty() || !cuda.getAsBoolean()) {
            return OptionalInt.empty();
        }
        setDevice.accept(device.getAsInt());
        return device;
    }

    /** Whether ND4J runs on its CUDA backend (loads the backend when it is not loaded yet). */
    public static boolean cudaBackend() {
        return !Nd4j.getEnvironment().isCPU();
    }

    private static void setNd4jDevice(int device) {
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (device >= devices) {
            throw new LakeadException("Spark assigned this task GPU " + device + " but ND4J sees " + devices
                    + " CUDA device(s) in this executor: the discovery script's addresses must be the CUDA device"
                    + " indices the executor sees (with CUDA_VISIBLE_DEVICES set they start at 0)");
        }
        Integer before = Nd4j.getAffinityManager().getDeviceForCurrentThread();
        if (before == null || before != device) {
            Nd4j.getAffinityManager().unsafeSetDevice(device);
            LOG.debug("Task thread {} now on GPU {} (was {})", Thread.currentThread().getName(), device, before);
        }
    }
}

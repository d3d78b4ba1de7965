package dev.lakead.models;

import dev.lakead.LakeadException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark's assigned GPU → ND4J device, without a GPU: the mapping itself, that only the CUDA backend gets a device
 * set (through an injected setter), and a real Spark job. Spark 3.5's local mode never hands out task resources (its
 * executor offers no GPUs, so a job asking {@code spark.task.resource.gpu.amount} would wait forever); tasks that
 * get GPUs from Spark's scheduler are tested on a standalone cluster in the jobs module (GpuSchedulingTest).
 */
class TaskDevicesTest {

    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of(TaskDevices.GPU, new ResourceInformation(TaskDevices.GPU, addresses));
    }

    @Test
    void theTasksGpuAddressIsTheDeviceIndex() {
        assertEquals(OptionalInt.of(0), TaskDevices.device(gpus("0")));
        assertEquals(OptionalInt.of(3), TaskDevices.device(gpus("3")));
        assertEquals(OptionalInt.of(1), TaskDevices.device(gpus(" 1 ")));
    }

    @Test
    void aTaskWithSeveralGpusUsesTheFirstListed() {
        assertEquals(OptionalInt.of(2), TaskDevices.device(gpus("2", "0", "1")));
        Map<String, ResourceInformation> mixed = new HashMap<>(gpus("1", "3"));
        mixed.put("fpga", new ResourceInformation("fpga", new String[]{"f0"}));
        assertEquals(OptionalInt.of(1), TaskDevices.device(mixed));
    }

    @Test
    void noGpuAssignedMeansNoDevice() {
        assertEquals(OptionalInt.empty(), TaskDevices.device(null));
        assertEquals(OptionalInt.empty(), TaskDevices.device(Map.of()));
        assertEquals(OptionalInt.empty(), TaskDevices.device(gpus()));
        assertEquals(OptionalInt.empty(),
                TaskDevices.device(Map.of("fpga", new ResourceInformation("fpga", new String[]{"0"}))));
    }

    @Test
    void aNonIntegerAddressIsAnErrorThatNamesIt() {
        for (String address : List.of("GPU-5f3e9c2a-0b1d-4c7e-9a55-1e2f3a4b5c6d", "0000:3b:00.0", "-1", "")) {
            LakeadException e = assertThrows(LakeadException.class, () -> TaskDevices.device(gpus(address, "1")));
            assertTrue(e.getMessage().contains("'" + address + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("spark.executor.resource.gpu.discoveryScript"), e.getMessage());
        }
    }

    @Test
    void onlyTheCudaBackendGetsADevice() {
        List<Integer> set = new ArrayList<>();
        assertEquals(OptionalInt.empty(), TaskDevices.use(gpus("1"), () -> false, set::add));
        assertEquals(List.of(), set, "CPU backend: nothing set");
        assertEquals(OptionalInt.of(1), TaskDevices.use(gpus("1"), () -> true, set::add));
        assertEquals(List.of(1), set);
    }

    @Test
    void withoutAGpuTheBackendIsNotEvenAsked() {
        AtomicBoolean asked = new AtomicBoolean();
        List<Integer> set = new ArrayList<>();
        assertEquals(OptionalInt.empty(), TaskDevices.use(Map.of(), () -> asked.getAndSet(true), set::add));
        assertEquals(OptionalInt.empty(), TaskDevices.use((TaskContext) null, () -> asked.getAndSet(true), set::add));
        assertFalse(asked.get());
        assertEquals(List.of(), set);
    }

    @Test
    void thisBuildsBackendIsCpuSoUseSetsNothing() {
        assertFalse(TaskDevices.cudaBackend(), "the test suite runs on the CPU backend (nd4j-native)");
        List<Integer> set = new ArrayList<>();
        assertEquals(OptionalInt.empty(), TaskDevices.use(gpus("0"), TaskDevices::cudaBackend, set::add));
        assertEquals(List.of(), set);
        TaskDevices.use(); // outside a task: nothing
    }

    @Test
    void inALocalSparkJobWithoutGpuSchedulingNoTaskSetsADevice() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("task-devices")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<String> perTask = sc.parallelize(List.of(1, 2, 3, 4), 4).mapPartitions(it -> {
                List<Integer> set = new ArrayList<>();
                OptionalInt d = TaskDevices.use(TaskContext.get(), () -> true, set::add);
                TaskDevices.use(); // the production entry point: CPU backend and no GPU, so nothing
                return List.of(TaskContext.get().resourcesJMap().keySet() + " " + d + " " + set).iterator();
            }).collect();
            assertEquals(List.of("[] OptionalInt.empty []", "[] OptionalInt.empty []", "[] OptionalInt.empty []",
                    "[] OptionalInt.empty []"), perTask);
        } finally {
            spark.stop();
        }
    }
}

package dev.lakead.models.batch;

import dev.lakead.LakeadException;
import dev.lakead.config.Settings;
import dev.lakead.models.ScoringOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchRowsTest {

    @Test
    void adaptiveBatchesHoldAboutTheSameNumberOfFloatsWithinBounds() {
        assertEquals(8_192, BatchRows.ADAPTIVE.rowsFor(64));
        assertEquals(32_768, BatchRows.ADAPTIVE.rowsFor(8), "narrow rows: the upper bound");
        assertEquals(BatchRows.FLOATS_PER_BATCH / 784, BatchRows.ADAPTIVE.rowsFor(784));
        assertEquals(BatchRows.FLOATS_PER_BATCH / (20 * 50), BatchRows.ADAPTIVE.rowsFor(20 * 50), "windows");
        assertEquals(64, BatchRows.ADAPTIVE.rowsFor(1_000_000), "very wide rows: the lower bound");
    }

    @Test
    void anExplicitCountOverridesTheWidth() {
        assertEquals(4096, BatchRows.fixed(4096).rowsFor(64));
        assertEquals(7, BatchRows.fixed(7).rowsFor(784));
    }

    @Test
    void scoreBatchSizeIsAutoByDefaultOrACount() {
        assertEquals(BatchRows.ADAPTIVE, ScoringOptions.batchRows(Settings.defaults()));
        assertEquals(BatchRows.fixed(500), ScoringOptions.batchRows(Settings.defaults().with("score.batch-size", "500")));
        for (String bad : new String[]{"0", "many"}) {
            LakeadException e = assertThrows(LakeadException.class,
                    () -> ScoringOptions.batchRows(Settings.defaults().with("score.batch-size", bad)));
            assertTrue(e.getMessage().contains("'score.batch-size'") && e.getMessage().contains("auto"),
                    e.getMessage());
        }
    }
}

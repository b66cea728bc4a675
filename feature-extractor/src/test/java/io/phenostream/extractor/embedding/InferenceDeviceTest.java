package io.phenostream.extractor.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class InferenceDeviceTest {

    @Test
    void autoPicksGpuOnlyWhenTheEngineSeesOne() {
        assertEquals(Device.gpu(), InferenceDevice.choose(null, 1));
        assertEquals(Device.gpu(), InferenceDevice.choose("auto", 2));
        assertEquals(Device.cpu(), InferenceDevice.choose("", 0));
        assertEquals(Device.cpu(), InferenceDevice.choose("AUTO", 0));
    }

    @Test
    void explicitSettingWins() {
        assertEquals(Device.cpu(), InferenceDevice.choose("cpu", 4));
        assertEquals(Device.gpu(), InferenceDevice.choose(" GPU ", 1));
    }

    @Test
    void gpuWithoutGpuAndUnknownSettingsAreErrors() {
        final IllegalArgumentException noGpu = assertThrows(IllegalArgumentException.class,
            () -> InferenceDevice.choose("gpu", 0));
        assertTrue(noGpu.getMessage().contains("sees no GPU"), noGpu.getMessage());
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> InferenceDevice.choose("tpu", 0));
        assertTrue(bad.getMessage().contains("'tpu'"), bad.getMessage());
    }
}

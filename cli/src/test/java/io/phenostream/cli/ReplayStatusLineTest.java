package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReplayStatusLineTest {

    @Test
    void showsAnalysedPublishedRateAndTimeLeft() {
        // 48 of 96 analysed in 15 s, 12 of them before this command started: 36 / 15 = 2.4 sites/s, 48 left = 20 s.
        assertEquals("replay [###############               ] 48/96 sites analysed, 96 published, 2.4 sites/s, ETA 20 s",
            ReplayCommand.ReplayStatusLine.format(96, 48, 12, 15, 96));
        assertEquals("replay [##############################] 96/96 sites analysed, 96 published, scoring the experiment",
            ReplayCommand.ReplayStatusLine.format(96, 96, 0, 30, 96));
        assertEquals("replay [##########                    ] 32/96 sites published",
            ReplayCommand.ReplayStatusLine.format(32, -1, -1, 3, 96), "without a results store");
    }

    @Test
    void etaReadsAsSecondsMinutesOrHours() {
        assertEquals("59 s", ReplayCommand.ReplayStatusLine.eta(59.4));
        assertEquals("2m05s", ReplayCommand.ReplayStatusLine.eta(125));
        assertEquals("3h20m", ReplayCommand.ReplayStatusLine.eta(12_000));
    }
}

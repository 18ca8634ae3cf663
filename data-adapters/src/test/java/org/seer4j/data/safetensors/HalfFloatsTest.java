package org.seer4j.data.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    /** binary16 by its definition: sign, 5-bit exponent biased by 15, 10-bit fraction, subnormals below. */
    private static double f16ByDefinition(int h) {
        int s = (h >> 15) & 1;
        int e = (h >> 10) & 0x1f;
        int m = h & 0x3ff;
        double mag = e == 0 ? m / 1024.0 * Math.pow(2, -14) : (1 + m / 1024.0) * Math.pow(2, e - 15);
        return s == 1 ? -mag : mag;
    }

    @Test
    void everyFiniteF16PatternDecodesToItsDefinitionAndEncodesBackToItself() {
        for (int h = 0; h < 0x10000; h++) {
            if (((h >> 10) & 0x1f) == 0x1f) {
                continue;
            }
            float f = HalfFloats.f16ToFloat((short) h);
            assertThat((double) f).as("0x%04x", h).isEqualTo(f16ByDefinition(h));
            assertThat(HalfFloats.floatToF16(f) & 0xffff).as("0x%04x", h).isEqualTo(h);
        }
    }

    @Test
    void infinitiesAndNanSurviveF16() {
        assertThat(HalfFloats.f16ToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfFloats.f16ToFloat((short) 0x7e00)).isNaN();
        assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))).isNaN();
        assertThat(HalfFloats.floatToF16(65520f) & 0xffff).isEqualTo(0x7c00); // rounds past 65504 to infinity
        assertThat(HalfFloats.floatToF16(65519f) & 0xffff).isEqualTo(0x7bff);
    }

    @Test
    void smallValuesRoundToNearestSubnormalOrZero() {
        float tiny = (float) Math.pow(2, -24);
        assertThat(HalfFloats.floatToF16(tiny * 0.5f)).isEqualTo((short) 0); // tie to even zero
        assertThat(HalfFloats.floatToF16(tiny * 0.75f)).isEqualTo((short) 1);
        assertThat(HalfFloats.floatToF16(tiny * 1.5f)).isEqualTo((short) 2); // tie to even 2
        assertThat(HalfFloats.floatToF16(-tiny) & 0xffff).isEqualTo(0x8001);
    }

    @Test
    void everyBf16PatternIsTheUpperHalfOfAFloat() {
        for (int h = 0; h < 0x10000; h += 7) {
            float f = HalfFloats.bf16ToFloat((short) h);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(h << 16);
            if (!Float.isNaN(f)) {
                assertThat(HalfFloats.floatToBf16(f) & 0xffff).isEqualTo(h);
            }
        }
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))).isNaN();
    }
}

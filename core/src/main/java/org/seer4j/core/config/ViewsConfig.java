package org.seer4j.core.config;

import java.util.List;
import org.seer4j.core.views.Augmentation;
import org.seer4j.core.views.CropGroup;

/**
 * The {@code views} section: multi-crop groups, which crops assign codes, and the augmentation.
 *
 * @param crops       crop groups in order; crop indices count through them (2x224 + 6x96 gives crops 0..7)
 * @param assignCrops indices of the crops whose codes are computed (SwAV: the two large crops, [0, 1])
 */
public record ViewsConfig(List<CropGroup> crops, List<Integer> assignCrops, Augmentation augmentation) {

    public ViewsConfig {
        crops = List.copyOf(Check.present("views.crops", crops));
        if (crops.isEmpty()) throw new ConfigException("views.crops", "needs at least one crop group");
        assignCrops = List.copyOf(Check.present("views.assign_crops", assignCrops));
        if (assignCrops.isEmpty()) throw new ConfigException("views.assign_crops", "needs at least one crop");
        int total = crops.stream().mapToInt(CropGroup::count).sum();
        if (total < 2) throw new ConfigException("views.crops", "SwAV needs at least 2 crops in all, got " + total);
        for (int c : assignCrops) {
            if (c < 0 || c >= total) {
                throw new ConfigException("views.assign_crops", "crop " + c + " does not exist (crops are 0.." + (total - 1) + ")");
            }
        }
        if (assignCrops.stream().distinct().count() != assignCrops.size()) {
            throw new ConfigException("views.assign_crops", "lists a crop twice: " + assignCrops);
        }
        Check.present("views.augmentation", augmentation);
    }

    /** SwAV's ImageNet recipe: 2x224 (scale 0.14-1) + 6x96 (0.05-0.14), codes from the two large crops. */
    public static ViewsConfig defaults() {
        return new ViewsConfig(List.of(new CropGroup(2, 224, 0.14, 1.0), new CropGroup(6, 96, 0.05, 0.14)),
                List.of(0, 1), Augmentation.defaults());
    }

    public int totalCrops() {
        return crops.stream().mapToInt(CropGroup::count).sum();
    }
}

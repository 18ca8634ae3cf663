package org.seer4j.data.weights;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the parameter names of the checkpoints seer4j imports into its interchange names (torchvision's
 * RegNet names, the SwAV head as {@code head.*}, prototypes as {@code prototypes.weight}):
 * <ul>
 *   <li>wrapper segments are dropped: a leading {@code module.} (DDP), FSDP's {@code _fsdp_wrapped_module} /
 *       {@code _fpw_module} and fairscale's {@code _checkpoint_wrapped_module};</li>
 *   <li>torchvision names ({@code stem.*}, {@code trunk_output.*}, {@code fc.*}) and seer4j's own ({@code head.*},
 *       {@code prototypes.weight}) stay as they are;</li>
 *   <li>VISSL trunks ({@code trunk._feature_blocks.*}, ClassyVision's RegNet modules): {@code conv1.stem.N} ->
 *       {@code stem.N}; {@code resR[.blockS-partK].blockS-i.X} -> {@code trunk_output.blockS.blockS-i.X'} with
 *       {@code proj} -> {@code proj.0}, {@code bn} -> {@code proj.1}, {@code f.se.excitation.0/2} ->
 *       {@code f.se.fc1/fc2}, {@code f.c} -> {@code f.c.0}, {@code f.final_bn} -> {@code f.c.1};</li>
 *   <li>VISSL SwAV heads ({@code heads.0.projection_head.N.*} -> {@code head.N.*},
 *       {@code heads.0.prototypes0.weight} -> {@code prototypes.weight}).</li>
 * </ul>
 */
final class InterchangeNames {
    private static final Pattern WRAPPERS = Pattern.compile("(_fsdp_wrapped_module|_fpw_module|_checkpoint_wrapped_module)\\.");
    private static final Pattern VISSL_BLOCK = Pattern.compile(
            "res(\\d+)\\.(?:block(\\d+)-part\\d+\\.)?block(\\d+)-(\\d+)\\.(.+)");
    private static final Pattern VISSL_SE = Pattern.compile("f\\.se\\.excitation\\.([02])\\.(weight|bias)");
    private static final Pattern VISSL_HEAD = Pattern.compile("0\\.projection_head\\.(\\d+)\\.(.+)");

    private InterchangeNames() {
    }

    /** The interchange name of {@code name}, or empty when it is not a RegNet/SwAV weight this knows. */
    static Optional<String> of(String name) {
        String n = WRAPPERS.matcher(name).replaceAll("");
        while (n.startsWith("module.")) n = n.substring("module.".length());
        if (n.startsWith("trunk.")) n = n.substring("trunk.".length());
        if (n.startsWith("_feature_blocks.")) return classyTrunk(n.substring("_feature_blocks.".length()));
        if (n.startsWith("heads.")) return visslHead(n.substring("heads.".length()));
        if (n.startsWith("stem.") || n.startsWith("trunk_output.") || n.startsWith("fc.") || n.startsWith("head.")
                || n.equals("prototypes.weight")) {
            return Optional.of(n);
        }
        return Optional.empty();
    }

    private static Optional<String> classyTrunk(String n) {
        if (n.startsWith("conv1.stem.")) return Optional.of("stem." + n.substring("conv1.stem.".length()));
        Matcher m = VISSL_BLOCK.matcher(n);
        if (!m.matches()) return Optional.empty();
        int res = Integer.parseInt(m.group(1));
        int stage = Integer.parseInt(m.group(3));
        if (res != stage + 1 || (m.group(2) != null && Integer.parseInt(m.group(2)) != stage)) return Optional.empty();
        String prefix = "trunk_output.block" + stage + ".block" + stage + "-" + m.group(4) + ".";
        String rest = m.group(5);
        if (rest.equals("proj.weight")) return Optional.of(prefix + "proj.0.weight");
        if (rest.startsWith("bn.")) return Optional.of(prefix + "proj.1." + rest.substring(3));
        if (rest.startsWith("f.a.") || rest.startsWith("f.b.")) return Optional.of(prefix + rest);
        if (rest.equals("f.c.weight")) return Optional.of(prefix + "f.c.0.weight");
        if (rest.startsWith("f.final_bn.")) return Optional.of(prefix + "f.c.1." + rest.substring("f.final_bn.".length()));
        Matcher se = VISSL_SE.matcher(rest);
        if (se.matches()) return Optional.of(prefix + "f.se.fc" + (se.group(1).equals("0") ? 1 : 2) + "." + se.group(2));
        return Optional.empty();
    }

    private static Optional<String> visslHead(String n) {
        if (n.equals("0.prototypes0.weight")) return Optional.of("prototypes.weight");
        Matcher m = VISSL_HEAD.matcher(n);
        return m.matches() ? Optional.of("head." + m.group(1) + "." + m.group(2)) : Optional.empty();
    }
}

/** cros-vtpmd: ChromeOS's vtpm daemon (platform2/vtpm, gLinux profile) on any host TPM. */
package dev.jtpm.cros;

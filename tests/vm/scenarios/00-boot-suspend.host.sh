# SPDX-License-Identifier: GPL-2.0-only
# Host half of 00-boot-suspend: the console log itself shows the syscore
# transfers in atomic mode and the resume after them.
c=$CONSOLE
n=$(grep -c 'iag_test: phase=suspend op=r .*ret=0 .*state=7 irqs_disabled=1' "$c")
if [ "$n" = 2 ]; then echo "ok console: 2 syscore transfers with state=7 irqs_disabled=1"; else echo "not ok console: 2 syscore transfers with state=7 irqs_disabled=1 (found $n)"; fi
if grep -q 'iag_test: phase=resume' "$c"; then echo "ok console: the machine resumed"; else echo "not ok console: the machine resumed"; fi

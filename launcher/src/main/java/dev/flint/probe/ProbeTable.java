package dev.flint.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders reports as text: one report as check | expected | seen | result; several side by side. */
public final class ProbeTable {
    private ProbeTable() {}

    /** One report: a row per check, then a summary line. */
    public static String single(ProbeReport r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"check", "expected", "seen", "result"});
        for (ProbeCheck c : r.checks()) {
            rows.add(new String[] {c.check(), c.expected(), c.seen(), c.pass() ? "pass" : "FAIL"});
        }
        long failed = r.checks().stream().filter(c -> !c.pass()).count();
        return render(rows) + (failed == 0 ? "all " + r.checks().size() + " checks pass"
                : failed + " of " + r.checks().size() + " checks fail") + " (" + r.setting() + ")\n";
    }

    /** Several reports: a row per check id (first report's order), a pass/FAIL column per setting. */
    public static String matrix(List<ProbeReport> reports) {
        Map<String, ProbeCheck> first = new LinkedHashMap<>();
        reports.forEach(r -> r.checks().forEach(c -> first.putIfAbsent(c.id(), c)));
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[reports.size() + 2];
        head[0] = "check";
        head[1] = "expected";
        for (int i = 0; i < reports.size(); i++) {
            head[i + 2] = reports.get(i).setting();
        }
        rows.add(head);
        for (ProbeCheck c : first.values()) {
            String[] row = new String[reports.size() + 2];
            row[0] = c.check();
            row[1] = c.expected();
            for (int i = 0; i < reports.size(); i++) {
                ProbeCheck x = reports.get(i).check(c.id());
                row[i + 2] = x == null ? "-" : x.pass() ? "pass" : "FAIL: " + x.seen();
            }
            rows.add(row);
        }
        return render(rows);
    }

    private static String render(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] row : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], Math.min(row[i].length(), 48));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < cols; i++) {
                String cell = row[i].length() > 48 ? row[i].substring(0, 47) + "…" : row[i];
                sb.append(i == cols - 1 ? cell : String.format("%-" + w[i] + "s | ", cell));
            }
            sb.append('\n');
            if (r == 0) {
                for (int i = 0; i < cols; i++) {
                    sb.append("-".repeat(w[i])).append(i == cols - 1 ? "" : "-+-");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}

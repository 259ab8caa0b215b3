#!/usr/bin/env python3
"""Renders `herald bench --latency-csv` output as an SVG bar chart (no dependencies).

    scripts/latency-svg.py latency.csv docs/latency.svg "title"
"""
import csv
import sys
from collections import defaultdict


def main(csv_path, svg_path, title):
    counts = defaultdict(list)  # stage -> [(upper_ms, count)]
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            counts[row["stage"]].append((float(row["latency_ms_upper"]), int(row["count"])))
    stages = list(counts)
    buckets = [upper for upper, _ in counts[stages[0]]]
    colours = ["#3b6ea8", "#d9822b", "#4f9d69"]
    width, height, left, bottom, top = 760, 360, 60, 60, 40
    plot_w, plot_h = width - left - 20, height - top - bottom
    peak = max(n for rows in counts.values() for _, n in rows) or 1
    group_w = plot_w / len(buckets)
    bar_w = group_w * 0.8 / len(stages)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>']
    for i, upper in enumerate(buckets):
        x0 = left + i * group_w
        label = f"≤{upper:g}"
        out.append(f'<text x="{x0 + group_w / 2:.1f}" y="{height - bottom + 15}" text-anchor="middle">{label}</text>')
        for j, stage in enumerate(stages):
            n = counts[stage][i][1]
            h = plot_h * n / peak
            x = x0 + group_w * 0.1 + j * bar_w
            out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'fill="{colours[j % len(colours)]}"><title>{stage} {label} ms: {n}</title></rect>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 20}" y2="{top + plot_h}" stroke="black"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 20}" text-anchor="middle">'
               f'latency from produce to output, ms (bucket upper bound)</text>')
    out.append(f'<text x="15" y="{top + plot_h / 2}" transform="rotate(-90 15 {top + plot_h / 2})" '
               f'text-anchor="middle">records</text>')
    for j, stage in enumerate(stages):
        out.append(f'<rect x="{width - 150}" y="{top + 16 * j}" width="10" height="10" '
                   f'fill="{colours[j % len(colours)]}"/>')
        out.append(f'<text x="{width - 135}" y="{top + 9 + 16 * j}">{stage}</text>')
    out.append("</svg>")
    with open(svg_path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "latency")

"""The end of scripts/gpu_run.sh: its results as Markdown tables and as one JSON file.

    gpu_run_table.py RESULTS.jsonl STAGES.tsv OUT.json

The tables have the same rows and columns with or without a GPU; what was not measured (the GPU
columns of a dry run, a stage that failed) reads "absent".
"""
import json
import sys

ABSENT = "absent"


def main(results_path, stages_path, out_path):
    results = []
    try:
        with open(results_path) as f:
            results = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        pass
    stages = []
    with open(stages_path) as f:
        for line in f:
            name, result, seconds = line.rstrip("\n").split("\t")
            stages.append({"stage": name, "result": result, "seconds": int(seconds)})

    def of(stage):
        return [r["data"] for r in results if r["stage"] == stage]

    system = (of("system") or [{}])[0]
    bench = of("bench-train")
    models = list(dict.fromkeys(r["model"] for r in bench))
    predict = of("predict")

    def fmt(value, spec):
        return ABSENT if value is None else format(value, spec)

    def rate(model, variant):
        runs = [r for r in bench if r["model"] == model and r["variant"] == variant]
        return runs[0] if runs else None

    training = []
    for model in models:
        cpu, gpu, bf16, loader = (rate(model, v) for v in ("cpu", "gpu", "gpu-bf16", "gpu-loader"))
        row = {
            "model": model,
            "gpu_batch": gpu and gpu["batch"],
            "cpu_batch": cpu and cpu["batch"],
            "cpu_images_per_s": cpu and cpu["images_per_s"],
            "gpu_images_per_s": gpu and gpu["images_per_s"],
            "gpu_bf16_images_per_s": bf16 and bf16["images_per_s"],
            "bf16_logit_rel_diff": bf16 and bf16["logit_rel_diff"],
            "gpu_loader_images_per_s": loader and loader["images_per_s"],
            "gpu_data_wait_share": loader and loader["wait_share"],
        }
        row["gpu_over_cpu"] = row["gpu_images_per_s"] / row["cpu_images_per_s"] if gpu and cpu else None
        row["bf16_over_fp32"] = row["gpu_bf16_images_per_s"] / row["gpu_images_per_s"] if gpu and bf16 else None
        training.append(row)

    by_device = {p["device"]: p for p in predict}
    prediction = []
    for device in ("cpu", "cuda"):
        p = by_device.get(device)
        prediction.append({
            "device": device,
            "files": p and p["files"],
            "audio_s": p and p["audio_s"],
            "seconds": p and p["seconds"],
            "x_real_time": p and (p["audio_s"] / p["seconds"] if p["seconds"] > 0 else None),
        })

    print(f"\ndevice: {system.get('device', ABSENT)}; torch {system.get('torch', ABSENT)}"
          f"{', CUDA ' + system['cuda'] if system.get('cuda') else ''}")
    print("\n| stage | result | seconds |\n|---|---|---:|")
    for s in stages:
        print(f"| {s['stage']} | {s['result']} | {s['seconds']} |")
    print("\ntraining steps (bench_train_step; images/s, median of repeats; channels-last inside cnn and alexcnn)")
    print("| model | batch CPU/GPU | CPU images/s | GPU images/s | GPU/CPU | GPU bf16 images/s | bf16/fp32 "
          "| bf16 logit diff | GPU images/s, BatchLoader | GPU data wait |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in training:
        print(f"| {r['model']} | {fmt(r['cpu_batch'], 'd')}/{fmt(r['gpu_batch'], 'd')} "
              f"| {fmt(r['cpu_images_per_s'], ',.1f')} | {fmt(r['gpu_images_per_s'], ',.0f')} "
              f"| {fmt(r['gpu_over_cpu'], '.1f')} | {fmt(r['gpu_bf16_images_per_s'], ',.0f')} "
              f"| {fmt(r['bf16_over_fp32'], '.2f')} | {fmt(r['bf16_logit_rel_diff'], '.1e')} "
              f"| {fmt(r['gpu_loader_images_per_s'], ',.0f')} "
              f"| {ABSENT if r['gpu_data_wait_share'] is None else format(100 * r['gpu_data_wait_share'], '.1f') + '%'} |")
    print("\njaams predict (cnn_mel trained in the train stage; x real time = audio seconds / scoring seconds)")
    print("| device | files | audio s | seconds | x real time |\n|---|---:|---:|---:|---:|")
    for p in prediction:
        print(f"| {p['device']} | {fmt(p['files'], 'd')} | {fmt(p['audio_s'], ',.0f')} | {fmt(p['seconds'], '.2f')} "
              f"| {fmt(p['x_real_time'], ',.0f')} |")

    summary = {"system": system, "stages": stages, "training": training, "predict": prediction,
               "results": results, "passed": all(s["result"] in ("ok", "skipped") for s in stages)}
    with open(out_path, "w") as f:
        json.dump(summary, f, indent=1)
    print(f"\nall numbers: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

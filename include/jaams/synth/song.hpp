#pragma once
// The arranging context every genre's arranger writes into: the clip's time map (beats to
// seconds, with swing and rubato), its harmony, one Track per part, the mix settings and the
// shared helpers (step sequencer, drum kit, melody writer). Internal to the synth stage.
#include <string>
#include <vector>

#include "jaams/synth/composer.hpp"
#include "jaams/synth/dsp.hpp"
#include "jaams/synth/harmony.hpp"
#include "jaams/synth/instruments.hpp"
#include "jaams/synth/random.hpp"

namespace jaams::synth {

enum class Part { Drums, Bass, Guitar, Keys, Lead, Pad };
inline constexpr int kPartCount = 6;

// How a part enters the mix. Levels are the part's active RMS in dB, so they mean the same
// whatever the instrument's raw loudness.
struct PartMix {
  double level_db = -18;
  double reverb = 0.15;  // wet / dry ratio through the shared reverb
  double echo = 0;       // send to the tempo-synced echo
  double drive = 0;      // > 0: saturate(x, drive, hard_clip)
  double hard_clip = 0;
  double highpass_hz = 0;
  double lowpass_hz = 0;  // after the drive: a guitar cabinet, a lo-fi sampler
};

struct MasterMix {
  double room = 0.5;  // reverb
  double damping = 0.5;
  double predelay = 0.02;
  double echo_beats = 0.75;
  double echo_feedback = 0.4;
  double highpass_hz = 30;
  double lowpass_hz = 0;  // 0: none; a few kHz: an old or cheap recording
  double low_db = 0;      // broad EQ around 120 Hz and 6 kHz: each record is mastered differently
  double high_db = 0;
  double hiss_db = -50;  // broadband noise against the mix's RMS
  double crackle = 0;    // vinyl clicks per second
  double hum_db = -120;  // mains hum against the mix's RMS
  double hum_hz = 50;
};

// Beat -> seconds. Steady, or with rubato: the tempo breathes sinusoidally and slows before the
// end of each phrase.
class TimeMap {
 public:
  TimeMap() = default;
  explicit TimeMap(double bpm);
  TimeMap(double bpm, double beats, double depth, double period_beats, double phase, double ritard,
          double phrase_beats);
  double seconds(double beat) const;

 private:
  static constexpr int kResolution = 48;  // table points per beat: exact for 16ths and triplets
  double seconds_per_beat_ = 0.5;
  std::vector<double> table_;  // empty when steady
};

struct ChordSpan {
  double beat = 0;
  double beats = 4;
  Chord chord;
};

struct Note {
  double beat = 0;
  double beats = 1;
  int midi = 60;
  double vel = 0.8;
};

class Song {
 public:
  static constexpr int kBeatsPerBar = 4;

  Song(const ClipPlan& plan, double seconds, int sample_rate);

  const ClipPlan& plan;
  const int sr;
  Rng rng;
  Key key;
  TimeMap time;
  double pre_roll = 0;  // seconds rendered before the clip starts (cut off in the mix)
  double total = 0;     // seconds rendered
  int bars = 0;         // bars covering `total`
  MasterMix master;

  Track& track(Part p) { return tracks_[static_cast<int>(p)]; }
  PartMix& mix(Part p) { return mixes_[static_cast<int>(p)]; }
  bool used(Part p) const { return used_[static_cast<int>(p)]; }
  void use(Part p, const PartMix& m);

  void set_rubato(double depth, double period_beats, double ritard, double phrase_beats);
  double at(double beat) const { return time.seconds(beat); }
  // Seconds of a note played at `beat`, early or late by a normal jitter of `jitter_s` (s.d.).
  double when(double beat, double jitter_s);
  // Seconds from `beat` to `beat + beats` (a note's length at this point of the time map).
  double span(double beat, double beats) const { return at(beat + beats) - at(beat); }

  void set_harmony(const std::vector<Chord>& chords, double beats_each);
  const Chord& chord_at(double beat) const;
  const std::vector<ChordSpan>& harmony() const { return harmony_; }

  // Calls hit(beat, velocity) for each step of a one-bar pattern: 'X' 1.0, 'x' 0.75, 'O' 0.55,
  // 'o' 0.35, anything else a rest. Off-beat 8ths/16ths get the plan's swing.
  template <class Fn>
  void steps(const std::string& pattern, int bar, int steps_per_beat, Fn&& hit) {
    for (std::size_t s = 0; s < pattern.size(); ++s) {
      const double vel = pattern[s] == 'X'   ? 1.0
                         : pattern[s] == 'x' ? 0.75
                         : pattern[s] == 'O' ? 0.55
                         : pattern[s] == 'o' ? 0.35
                                             : 0.0;
      if (vel <= 0) continue;
      double beat = bar * kBeatsPerBar + double(s) / steps_per_beat;
      if ((steps_per_beat == 4 || steps_per_beat == 2) && (s % 2) == 1) beat += plan.swing / steps_per_beat;
      hit(beat, vel);
    }
  }

 private:
  std::vector<Track> tracks_;
  std::vector<PartMix> mixes_;
  std::vector<bool> used_;
  std::vector<ChordSpan> harmony_;
};

// A drum kit with sounds drawn for one clip. Instruments by letter: k kick, s snare, h closed
// hat, o open hat, c crash, r ride, m rim, p clap, b brush, z shaker, t high tom, l low tom.
struct DrumKit {
  KickSound kick_sound;
  SnareSound snare_sound;
  HatSound hat_sound;
  double closed = 0.04, open = 0.28, crash = 0.55, ride = 0.35;  // decay time constants, s
  double rim_hz = 520;
  double jitter = 0.004;  // s of timing spread
  double tom_low = 90;

  void hit(Song& song, char instrument, double beat, double vel);
  // Lines "k:x...x...x...x..." (instrument letter, colon, one bar of steps).
  void groove(Song& song, const std::vector<std::string>& lines, int bar, int steps_per_beat);
  // A one-beat snare/tom fill at the end of `bar`.
  void fill(Song& song, int bar);
};

// A kit whose sound suits `style` ("rock", "metal", "disco", "hiphop", "reggae", "country",
// "blues", "pop"), with random variation.
DrumKit make_kit(Song& song, const std::string& style);

// A melody over the song's harmony from `first_bar` for `bars` bars, as phrases of
// `phrase_bars` built from a motif that comes back varied (A A' B A), the way a listener
// recognises a tune. Notes come from `scale` (semitones above the tonic), chord tones on strong
// beats, within [lo, hi]. density: notes per beat on average (0.5-3).
std::vector<Note> write_melody(Song& song, int first_bar, int bars, int phrase_bars, const std::vector<int>& scale,
                               int lo, int hi, double density);

// Pentatonic and blues scales as semitones above the tonic.
const std::vector<int>& minor_pentatonic();
const std::vector<int>& major_pentatonic();
const std::vector<int>& blues_scale();
std::vector<int> scale_of(const Key& key);

}  // namespace jaams::synth

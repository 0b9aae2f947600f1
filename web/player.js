// One player interface over two sources, both feeding the same TEXT_METADATA_CUE handler:
//  - the IVS Web Player (npm amazon-ivs-player, served from /web/vendor/ when built) for a real playback URL;
//  - in local mode, a simulated stream surface whose clock follows the local IVS player WebSocket
//    (ws://…/_local/player?channelArn=), which sends {"type":"TEXT_METADATA_CUE","text","streamTimeMs"}.
import { apiBase, localChannelFor, wsOrigin, duration } from './api.js';

const IVS_SCRIPT = 'vendor/amazon-ivs-player/amazon-ivs-player.min.js';

/** Live playback. surface: the .stage element (holds video.stage-video and .stage-sim). */
export async function startLive(surface, { playbackUrl, local, onCue }) {
  if (local) return localLive(surface, playbackUrl, onCue);
  const IVSPlayer = await loadIvsPlayer();
  if (!IVSPlayer) {
    showSim(surface, 'The video player is not available in this browser.');
    return { stop() {}, seek() {} };
  }
  return ivsPlayback(surface, IVSPlayer, playbackUrl, onCue);
}

/** Replay playback with seek(ms) for the chapter list. */
export async function startReplay(surface, { replayUrl, local }) {
  const IVSPlayer = !local && replayUrl ? await loadIvsPlayer() : null;
  if (IVSPlayer) return ivsPlayback(surface, IVSPlayer, replayUrl, () => {});
  // Locally the recording plays nothing: a simulated surface with a replay clock that chapters move.
  const clock = simClock(surface, 'REPLAY');
  clock.start(0);
  return { stop: clock.stop, seek: ms => clock.start(ms), position: clock.position };
}

function localLive(surface, playbackUrl, onCue) {
  const clock = simClock(surface, 'LIVE');
  let socket;
  let stopped = false;
  (async () => {
    const channel = await localChannelFor(playbackUrl);
    if (!channel || stopped) return;
    if (channel.stream && channel.stream.startTime && channel.state === 'LIVE') {
      clock.start(Date.now() - Date.parse(channel.stream.startTime));
    } else {
      clock.start(0);
    }
    const url = (apiBase ? apiBase.replace(/^http/, 'ws') : wsOrigin()) + '/_local/player?channelArn='
      + encodeURIComponent(channel.arn);
    socket = new WebSocket(url);
    surface.dataset.player = 'local';
    socket.addEventListener('message', event => {
      let msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (msg.type === 'TEXT_METADATA_CUE') {
        clock.start(msg.streamTimeMs);
        onCue(msg.text, msg.streamTimeMs);
      }
    });
  })();
  return {
    stop() { stopped = true; clock.stop(); if (socket) socket.close(); },
    seek() {},
  };
}

function ivsPlayback(surface, IVSPlayer, url, onCue) {
  const video = surface.querySelector('video');
  video.hidden = false;
  surface.querySelector('.stage-sim').hidden = true;
  const player = IVSPlayer.create({ wasmWorker: wasmUrl('amazon-ivs-wasmworker.min.js'), wasmBinary: wasmUrl('amazon-ivs-wasmworker.min.wasm') });
  player.attachHTMLVideoElement(video);
  player.addEventListener(IVSPlayer.PlayerEventType.TEXT_METADATA_CUE, cue => onCue(cue.text, Math.round(player.getPosition() * 1000)));
  player.load(url);
  player.play();
  surface.dataset.player = 'ivs';
  return {
    stop() { player.delete(); },
    seek(ms) { player.seekTo(ms / 1000); },
  };
}

function wasmUrl(file) {
  return new URL(`vendor/amazon-ivs-player/${file}`, import.meta.url).href;
}

let ivsLoading;
/** Loads the IVS Web Player script if it was built into /web/vendor; resolves null when it is absent. */
function loadIvsPlayer() {
  if (window.IVSPlayer) return Promise.resolve(window.IVSPlayer);
  if (!ivsLoading) {
    ivsLoading = new Promise(resolve => {
      const script = document.createElement('script');
      script.src = new URL(IVS_SCRIPT, import.meta.url).href;
      script.onload = () => resolve(window.IVSPlayer && window.IVSPlayer.isPlayerSupported ? window.IVSPlayer : null);
      script.onerror = () => resolve(null);
      document.head.append(script);
    });
  }
  return ivsLoading;
}

function showSim(surface, text) {
  surface.querySelector('video').hidden = true;
  const sim = surface.querySelector('.stage-sim');
  sim.hidden = false;
  sim.querySelector('.stage-note').textContent = text;
}

/** The simulated stream surface's clock (stream time in ms), ticking 4 times a second. */
function simClock(surface, label) {
  showSim(surface, label === 'LIVE' ? 'Simulated stream (local IVS: no video, cues are real)' : 'Simulated replay (local: the recording plays nothing)');
  const badge = surface.querySelector('.stage-badge');
  const clockEl = surface.querySelector('.stage-clock');
  badge.textContent = label;
  let origin = null;
  let timer = null;
  const position = () => (origin === null ? 0 : Date.now() - origin);
  const render = () => {
    const ms = position();
    clockEl.textContent = duration(ms);
    clockEl.dataset.ms = String(ms);
  };
  return {
    start(ms) {
      origin = Date.now() - ms;
      render();
      if (!timer) timer = setInterval(render, 250);
    },
    stop() { clearInterval(timer); timer = null; },
    position,
  };
}

// Bundled by esbuild (local/liveshop-local/pom.xml) into vendor/amazon-ivs-player/amazon-ivs-player.min.js:
// the pages load it with a plain <script> and use window.IVSPlayer (player.js).
import * as IVSPlayer from 'amazon-ivs-player';

window.IVSPlayer = IVSPlayer;

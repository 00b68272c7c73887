//! Points on the globe and the distance between them, for proximity search.

/// The Earth's mean radius in metres (IUGG R1 = (2a + b) / 3 of WGS 84), the usual choice for
/// the haversine formula: its error against the ellipsoid is under 0.5%, far below how well a
/// service's location or a postcode's centroid is known.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS 84 point, in degrees; only made when both coordinates are on the globe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    lat: f64,
    lon: f64,
}

impl Point {
    /// The point, or `None` if the latitude is outside −90..=90 or the longitude outside
    /// −180..=180 (or either is not a number).
    pub fn new(lat: f64, lon: f64) -> Option<Point> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
            .then_some(Point { lat, lon })
    }

    /// Latitude, degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude, degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// The great-circle distance to `other` in metres (haversine formula on a sphere of
    /// [`EARTH_RADIUS_M`]), which stays accurate for the short distances a search asks about,
    /// where the spherical law of cosines loses precision.
    pub fn distance_m(self, other: Point) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let dphi = (other.lat - self.lat).to_radians();
        let dlambda = (other.lon - self.lon).to_radians();
        let h =
            (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
        // `min(1.0)` guards asin against rounding just above 1 for antipodal points.
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    /// A box of latitudes and longitudes that holds every point within `radius_m` of this
    /// one: what a database can filter on with plain comparisons before the exact distance is
    /// computed. Near a pole, or when the radius reaches round the globe, the box spans every
    /// longitude.
    pub fn bounding_box(self, radius_m: f64) -> BoundingBox {
        let dlat = (radius_m / EARTH_RADIUS_M).to_degrees();
        let min_lat = (self.lat - dlat).max(-90.0);
        let max_lat = (self.lat + dlat).min(90.0);
        // The widest a circle of the radius gets in longitude is at the latitude furthest
        // from the equator that it reaches.
        let widest = min_lat.abs().max(max_lat.abs()).to_radians().cos();
        let dlon = if widest <= 1e-9 {
            360.0
        } else {
            (radius_m / (EARTH_RADIUS_M * widest)).to_degrees()
        };
        if dlon >= 180.0 || self.lon - dlon < -180.0 || self.lon + dlon > 180.0 {
            // The box would cross the antimeridian: take every longitude rather than two boxes
            // (no service in an English directory is near it).
            BoundingBox {
                min_lat,
                max_lat,
                min_lon: -180.0,
                max_lon: 180.0,
            }
        } else {
            BoundingBox {
                min_lat,
                max_lat,
                min_lon: self.lon - dlon,
                max_lon: self.lon + dlon,
            }
        }
    }
}

/// A box of latitudes and longitudes, in degrees, bounds included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Southern edge.
    pub min_lat: f64,
    /// Northern edge.
    pub max_lat: f64,
    /// Western edge.
    pub min_lon: f64,
    /// Eastern edge.
    pub max_lon: f64,
}

impl BoundingBox {
    /// Whether the point lies in the box.
    pub fn contains(&self, p: Point) -> bool {
        (self.min_lat..=self.max_lat).contains(&p.lat)
            && (self.min_lon..=self.max_lon).contains(&p.lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One degree along a meridian is R·π/180 = 6,371,008.8 × 0.017453293 = 111,195.08 m.
    #[test]
    fn one_degree_of_latitude() {
        let a = Point::new(52.0, -1.0).unwrap();
        let b = Point::new(53.0, -1.0).unwrap();
        assert!(
            (a.distance_m(b) - 111_195.08).abs() < 0.01,
            "{}",
            a.distance_m(b)
        );
    }

    /// Leicester Clock Tower (52.6365, −1.1341) to Nottingham Council House (52.9534, −1.1496),
    /// worked by hand:
    /// Δφ = 0.3169° = 0.0055309 rad, Δλ = −0.0155° = −0.00027053 rad;
    /// sin²(Δφ/2) = 0.0027655² = 7.6478e-6;
    /// cos φ1 · cos φ2 = 0.606870 × 0.602464 = 0.365617; sin²(Δλ/2) = 0.00013526² = 1.8296e-8;
    /// h = 7.6478e-6 + 0.365617 × 1.8296e-8 = 7.6545e-6; 2R·asin(√h) = 2 × 6,371,008.8 × 0.00276668
    /// = 35,253 m.
    #[test]
    fn leicester_to_nottingham_by_hand() {
        let leicester = Point::new(52.6365, -1.1341).unwrap();
        let nottingham = Point::new(52.9534, -1.1496).unwrap();
        let d = leicester.distance_m(nottingham);
        assert!((d - 35_253.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn off_the_globe_is_no_point() {
        assert!(Point::new(100.0, 101.0).is_none());
        assert!(Point::new(0.0, 180.5).is_none());
        assert!(Point::new(f64::NAN, 0.0).is_none());
        assert!(Point::new(-90.0, 180.0).is_some());
    }

    #[test]
    fn antipodes_are_half_the_circumference() {
        let a = Point::new(0.0, 0.0).unwrap();
        let b = Point::new(0.0, 180.0).unwrap();
        assert!((a.distance_m(b) - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1e-6);
    }

    fn point() -> impl Strategy<Value = Point> {
        (-89.0f64..89.0, -179.0f64..179.0).prop_map(|(a, b)| Point::new(a, b).unwrap())
    }

    proptest! {
        /// Distance is symmetric, zero to itself, and obeys the triangle inequality.
        #[test]
        fn distance_is_a_metric(a in point(), b in point(), c in point()) {
            prop_assert!((a.distance_m(b) - b.distance_m(a)).abs() < 1e-6);
            prop_assert!(a.distance_m(a) < 1e-6);
            prop_assert!(a.distance_m(c) <= a.distance_m(b) + b.distance_m(c) + 1e-6);
        }

        /// Every point within the radius lies in the bounding box (the box never drops a match).
        #[test]
        fn the_box_holds_the_circle(a in point(), b in point(), radius in 1.0f64..500_000.0) {
            if a.distance_m(b) <= radius {
                prop_assert!(a.bounding_box(radius).contains(b));
            }
        }
    }
}

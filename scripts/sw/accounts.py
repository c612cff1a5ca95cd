SW = {
    "Court clerk": "Karani wa mahakama",
    "Internal affairs officer": "Afisa wa masuala ya ndani",
    "Judiciary": "Mahakama",
}
